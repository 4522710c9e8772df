package org.modmask.mask;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.data.Dataset;
import org.modmask.data.TwoOps;
import org.modmask.nn.Model;
import org.modmask.nn.Onnx;
import org.modmask.train.Progress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The round trip of the README: a PyTorch model imported through ONNX, a mask trained here and saved as .npz, applied
 * in PyTorch with the README's snippet, gives PyTorch the accuracy modmask measured. Skipped where /usr/bin/python3
 * has no torch (Debian's python3-torch: {@code environment/setup --for-bench}).
 */
class PyTorchMaskTest {
    static final Path MODEL = Path.of("notebooks/your-own-model");

    static boolean torch() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, numpy").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static Dataset asExported(Dataset d) {
        return d.with("input", d.column("x")).with("labels", d.column("y"));
    }

    @Test
    void aMaskSavedHereGivesPyTorchTheSameAccuracy(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(torch(), "/usr/bin/python3 with torch and numpy is not installed");
        Progress.Factory.quiet(true);
        Model net = Onnx.read(MODEL.resolve("twoops-mlp.onnx")).classifier();
        Dataset plus = asExported(TwoOps.only(TwoOps.Op.ADD)), times = asExported(TwoOps.only(TwoOps.Op.MUL));
        WeightMask mask = Masks.of(net).samples(1).batchSize(64).lr(0.1).beta(3e-3).steps(300).train(plus);
        assertTrue(mask.density() < 0.9, "the mask removes weights: " + mask);
        Path npz = dir.resolve("plus.npz");
        MaskFile.save(mask, npz, net, Masks.of(net).settingsMap());
        String script = """
                import json, sys, numpy as np, torch
                sys.dont_write_bytecode = True       # nothing written beside the notebook
                sys.path.insert(0, sys.argv[4])
                from make_twoops_model import TwoOpsMlp, task
                model = TwoOpsMlp()
                model.load_state_dict(torch.load(sys.argv[1]))
                # the README's snippet
                logits = np.load(sys.argv[2])
                manifest = json.load(open(sys.argv[3]))
                with torch.no_grad():
                    for name, p in model.named_parameters():
                        if name in logits.files:
                            p.mul_(torch.from_numpy(logits[name] >= 0).to(p.dtype))
                x, y = task()
                with torch.no_grad():
                    right = (model(x).argmax(1) == y).float()
                print(f"{right[:100].mean().item():.4f} {right[100:].mean().item():.4f} {len(manifest['parameters'])}")
                """;
        Path py = dir.resolve("apply.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), MODEL.resolve("twoops-mlp.pt").toString(), npz.toString(),
                MaskFile.manifestOf(npz).toString(), MODEL.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python did not finish");
        assertEquals(0, p.exitValue(), out);
        String[] last = out.strip().lines().reduce((a, b) -> b).orElse("").split(" ");
        assertEquals(String.format(Locale.ROOT, "%.4f", mask.accuracy(net, plus)), last[0], "accuracy on + in PyTorch = in modmask\n" + out);
        assertEquals(String.format(Locale.ROOT, "%.4f", mask.accuracy(net, times)), last[1], "accuracy on × in PyTorch = in modmask\n" + out);
    }
}
