"""Makes the ONNX fixtures of OnnxTest with PyTorch (Debian's python3-torch 1.13 and python3-onnx; run with
/usr/bin/python3 from this directory). Each model is exported with a dynamic batch dimension, and its input and
PyTorch's output on it are saved as .npy, so the test can check the import against PyTorch.
Without constant folding (do_constant_folding=False) and with training=TrainingMode.PRESERVE (batch normalization
not fused into the convolution) the export keeps every parameter under its PyTorch name; the folded LSTM shows the
default export, which renames and reorders an LSTM's weights."""
import numpy as np
import torch

torch.manual_seed(0)


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(6, 16)
        self.fc2 = torch.nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, stride=2)
        self.fc = torch.nn.Linear(6 * 3 * 3, 5)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.bn(self.conv1(x))), 2)
        x = torch.tanh(self.conv2(x))
        return self.fc(x.flatten(1))


class LstmLast(torch.nn.Module):
    """A two-layer LSTM over 5 steps; the last step's output is classified."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 8, num_layers=2, batch_first=True)
        self.fc = torch.nn.Linear(8, 4)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.fc(y[:, -1])


class Unsupported(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 4)

    def forward(self, x):
        return torch.cumsum(self.fc(x), dim=1)


def export(name, model, x, fold=False):
    model.eval()
    if name == "cnn":      # running statistics that are not the identity, so that the test sees them used
        with torch.no_grad():
            model.bn.running_mean.uniform_(-0.5, 0.5)
            model.bn.running_var.uniform_(0.5, 2.0)
            model.bn.weight.uniform_(0.5, 1.5)
            model.bn.bias.uniform_(-0.2, 0.2)
    torch.onnx.export(model, x, name + ".onnx", input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13,
                      do_constant_folding=fold, training=torch.onnx.TrainingMode.PRESERVE)
    np.save(name + "-input.npy", x.numpy())
    with torch.no_grad():
        np.save(name + "-output.npy", model(x).numpy())


export("mlp", Mlp(), torch.randn(5, 6))
export("cnn", Cnn(), torch.randn(3, 1, 14, 14))
lstm = LstmLast()
export("lstm", lstm, torch.randn(4, 5, 3))
export("lstm-folded", lstm, torch.randn(4, 5, 3), fold=True)
export("unsupported", Unsupported(), torch.randn(2, 4))
