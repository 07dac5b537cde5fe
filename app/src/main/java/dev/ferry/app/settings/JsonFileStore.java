package dev.ferry.app.settings;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.app.FerryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

/**
 * A JSON document on disk (settings, state). Loading a missing file gives the default; a
 * corrupt file is moved aside (never overwritten) and reported, and the default is used.
 * Saving is atomic.
 */
public final class JsonFileStore<T> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFileStore.class);

    private final Path file;
    private final Class<T> type;
    private final Supplier<T> defaults;
    private final boolean privateFile;
    private final ObjectMapper json;
    private String loadWarning;

    public JsonFileStore(Path file, Class<T> type, Supplier<T> defaults, boolean privateFile) {
        this.file = file;
        this.type = type;
        this.defaults = defaults;
        this.privateFile = privateFile;
        this.json = mapper();
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    public Path file() {
        return file;
    }

    public synchronized T load() {
        loadWarning = null;
        if (!Files.exists(file)) {
            return defaults.get();
        }
        try {
            T value = json.readValue(file.toFile(), type);
            return value == null ? defaults.get() : value;
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                loadWarning = file + " could not be read (" + firstLine(e.getMessage())
                        + "); it was moved to " + aside + " and defaults are used.";
            } catch (IOException moveFailed) {
                loadWarning = file + " could not be read (" + firstLine(e.getMessage()) + "); defaults are used.";
            }
            LOG.warn(loadWarning);
            return defaults.get();
        }
    }

    /** Why the last {@link #load()} fell back to defaults, or null. */
    public synchronized String loadWarning() {
        return loadWarning;
    }

    public synchronized void save(T value) {
        try {
            AtomicFiles.write(file, json.writeValueAsBytes(value), privateFile);
        } catch (IOException e) {
            throw new FerryException("Could not save " + file + ": " + e.getMessage(),
                    "Check that the folder exists and is writable.", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
