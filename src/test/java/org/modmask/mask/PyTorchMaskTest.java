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
                class TwoOpsMlp(torch.nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.hidden1 = torch.nn.Linear(22, 64)
                        self.hidden2 = torch.nn.Linear(64, 64)
                        self.out = torch.nn.Linear(64, 10)
                    def forward(self, v):
                        return self.out(torch.relu(self.hidden2(torch.relu(self.hidden1(v)))))
                model = TwoOpsMlp()
                model.load_state_dict(torch.load(sys.argv[1]))
                # the README's snippet
                logits = np.load(sys.argv[2])
                manifest = json.load(open(sys.argv[3]))
                with torch.no_grad():
                    for name, p in model.named_parameters():
                        if name in logits.files:
                            p.mul_(torch.from_numpy(logits[name] >= 0).to(p.dtype))
                x = torch.zeros(200, 22); y = torch.zeros(200, dtype=torch.long); i = 0
                for op in (0, 1):
                    for a in range(10):
                        for b in range(10):
                            x[i, a] = 1; x[i, 10 + b] = 1; x[i, 20 + op] = 1
                            y[i] = (a + b) % 10 if op == 0 else (a * b) % 10
                            i += 1
                with torch.no_grad():
                    right = (model(x).argmax(1) == y).float()
                print(f"{right[:100].mean().item():.4f} {right[100:].mean().item():.4f} {len(manifest['parameters'])}")
                """;
        Path py = dir.resolve("apply.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), MODEL.resolve("twoops-mlp.pt").toString(), npz.toString(),
                MaskFile.manifestOf(npz).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python did not finish");
        assertEquals(0, p.exitValue(), out);
        String[] last = out.strip().lines().reduce((a, b) -> b).orElse("").split(" ");
        assertEquals(String.format(Locale.ROOT, "%.4f", mask.accuracy(net, plus)), last[0], "accuracy on + in PyTorch = in modmask\n" + out);
        assertEquals(String.format(Locale.ROOT, "%.4f", mask.accuracy(net, times)), last[1], "accuracy on × in PyTorch = in modmask\n" + out);
    }
}
