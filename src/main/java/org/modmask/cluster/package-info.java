/**
 * The second view of modularity (Lange, Rolnick &amp; Kording, TMLR 2022): hidden units as the nodes of a weighted
 * graph whose edges are an association between units, partitioned to maximize Newman's modularity Q.
 * {@link org.modmask.cluster.Modularity} scores a partition, {@link org.modmask.cluster.Clusterer} finds one
 * (spectral bisection, then Monte-Carlo refinement), {@link org.modmask.cluster.Agreement} compares two.
 */
package org.modmask.cluster;
