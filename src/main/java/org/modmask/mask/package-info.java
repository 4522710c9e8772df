/**
 * Differentiable weight masks, the heart of the method of Csordás et al. (ICLR 2021): {@link org.modmask.mask.Masks} learns one logit per weight of a frozen model (Gumbel-sigmoid samples, straight-through binarization, a sparsity regularizer), and a {@link org.modmask.mask.WeightMask} can be applied, inverted, combined, restricted to some layers, saved and loaded.
 */
package org.modmask.mask;
