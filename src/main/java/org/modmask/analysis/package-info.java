/**
 * Analysis of masks, as Tablesaw tables: kept weights, IoU and IoMin per layer, shared and remaining fractions ({@link org.modmask.analysis.Compare}), accuracy under masks on several datasets ({@link org.modmask.analysis.Accuracy}), and confusion matrices with their differences ({@link org.modmask.analysis.Confusion}). Definitions follow §2 of the paper's specification.
 */
package org.modmask.analysis;
