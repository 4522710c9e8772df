package org.modmask.experiment;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One configuration of a {@link Sweep}: the sweep's name, the task's class and the settings of this run. Its
 * {@link #id()} is derived from those alone, so the same configuration has the same folder on every machine and in
 * every sitting.
 */
public record SweepRun(String sweep, String task, LinkedHashMap<String, String> settings) implements Serializable {
    /** {@code <sweep>-<first 12 hex digits of SHA-256 over task and settings>}. */
    public String id() {
        StringBuilder s = new StringBuilder(task);
        for (Map.Entry<String, String> e : settings.entrySet()) s.append('\n').append(e.getKey()).append('=').append(e.getValue());
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(sweep).append('-');
            for (int i = 0; i < 6; i++) hex.append(String.format("%02x", h[i]));
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return id() + " " + settings;
    }
}
