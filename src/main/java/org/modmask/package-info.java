/**
 * modmask: inspecting functional modularity of neural networks with differentiable weight masks. The packages
 * follow the pipeline a notebook walks through: data → nn → train → mask → analysis → plot, with the Jupyter
 * kernel in {@code kernel}; {@link org.modmask.Preset} sets how big an experiment runs.
 */
package org.modmask;
