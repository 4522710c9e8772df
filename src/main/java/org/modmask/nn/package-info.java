/**
 * Models on SameDiff with named parameters: {@link org.modmask.nn.Graph} builds a graph whose parameters carry PyTorch-style names ({@code layers.0.weight}), and the layers ({@link org.modmask.nn.Linear}, {@link org.modmask.nn.Conv2d}, {@link org.modmask.nn.Lstm}, {@link org.modmask.nn.Embedding}, {@link org.modmask.nn.LayerNorm}, {@link org.modmask.nn.Attention}) compose the paper's models ({@link org.modmask.nn.Mlp}, {@link org.modmask.nn.SimpleCnn}, {@link org.modmask.nn.LstmClassifier}, {@link org.modmask.nn.Transformer}). A {@link org.modmask.nn.Model} lists, reads and writes its parameters by name, which is all training and masking need; {@link org.modmask.nn.Onnx} makes one from a network exported by PyTorch, under PyTorch's names.
 */
package org.modmask.nn;
