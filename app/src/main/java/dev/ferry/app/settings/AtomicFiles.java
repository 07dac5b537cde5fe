package dev.ferry.app.settings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes files the safe way: a temporary file in the same folder, flushed to disk, then
 * moved over the target in one step. Private files get owner-only permissions before any
 * byte is written.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content, boolean privateFile) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            String perms = privateFile ? "rw-------" : "rw-r--r--";
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
        } else {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Copies a file that belongs to the user (or another program) aside before Ferry changes
     * it: {@code NAME.ferry-backup-YYYYMMDD-HHMMSS}. Returns the backup, or null when there was
     * nothing to back up.
     */
    public static Path backup(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path backup = file.resolveSibling(file.getFileName() + ".ferry-backup-" + stamp);
        int n = 1;
        while (Files.exists(backup)) {
            backup = file.resolveSibling(file.getFileName() + ".ferry-backup-" + stamp + "-" + n++);
        }
        Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES);
        return backup;
    }
}
