"""The PyTorch side of 10-your-own-model.ipynb: trains a small MLP on the one-digit +/× task (the same encoding as
modmask's TwoOps: one-hot a in 0..9, one-hot b at 10..19, the operation at 20 (+) or 21 (×); the class is
(a+b) mod 10 or (a·b) mod 10), exports it with torch.onnx.export and saves its inputs and logits for the check.
Run with Debian's python3-torch: /usr/bin/python3 make_twoops_model.py (a few seconds on a CPU). PyTorchMaskTest
imports TwoOpsMlp and task() from here."""
import numpy as np
import torch


def task():
    """All 200 (a, b, op) inputs and their classes, in TwoOps' order."""
    x = torch.zeros(200, 22)
    y = torch.zeros(200, dtype=torch.long)
    i = 0
    for op in (0, 1):
        for a in range(10):
            for b in range(10):
                x[i, a] = 1
                x[i, 10 + b] = 1
                x[i, 20 + op] = 1
                y[i] = (a + b) % 10 if op == 0 else (a * b) % 10
                i += 1
    return x, y


class TwoOpsMlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden1 = torch.nn.Linear(22, 64)
        self.hidden2 = torch.nn.Linear(64, 64)
        self.out = torch.nn.Linear(64, 10)

    def forward(self, v):
        return self.out(torch.relu(self.hidden2(torch.relu(self.hidden1(v)))))


if __name__ == "__main__":
    torch.manual_seed(0)
    x, y = task()
    model = TwoOpsMlp()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for step in range(3000):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        logits = model(x)
    print(f"PyTorch: loss {loss.item():.4f}, accuracy {(logits.argmax(1) == y).float().mean().item() * 100:.1f} %")
    # no constant folding and no fusing: every parameter keeps its PyTorch name (hidden1.weight, ...)
    torch.onnx.export(model, x, "twoops-mlp.onnx", input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13,
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    np.save("twoops-input.npy", x.numpy())
    np.save("twoops-output.npy", logits.numpy())
    torch.save(model.state_dict(), "twoops-mlp.pt")
