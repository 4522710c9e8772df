/**
 * Plots for notebooks: {@link org.modmask.plot.Plot} turns a table into a {@link org.modmask.plot.Chart} in one line; a chart shows as interactive Plotly (plotly.js embedded from its Maven artifact, no network needed) and carries a PNG drawn with Java2D for viewers without JavaScript.
 */
package org.modmask.plot;
