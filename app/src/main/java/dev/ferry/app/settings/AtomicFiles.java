package dev.ferry.app.settings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files the safe way: a temporary file in the same folder, flushed to disk, then moved
 * over the target in one step.
 * <ul>
 *   <li>A symbolic link (a dotfiles manager's {@code ~/.aws/config}) is followed: the file it
 *       points to is rewritten and the link stays a link.</li>
 *   <li>A file that exists keeps its permissions, owner and group, except that a file holding
 *       secrets never keeps group or other permissions; a new private file is 0600, a new other
 *       one 0644. The temporary file is owner-only until it has its final mode.</li>
 *   <li>Temporary files left by a Ferry process that died mid-write (kill -9) are removed by the
 *       next write of the same file: their names carry the writer's process id.</li>
 * </ul>
 * Backups of files that belong to the user get unique names (two writers in the same second
 * each get their own) and only the newest {@value #KEPT_BACKUPS} are kept.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    public static final int KEPT_BACKUPS = 5;
    static final String BACKUP_INFIX = ".ferry-backup-";
    private static final String TMP_SUFFIX = ".ferry-tmp";
    /** Temporary files of Ferry versions that named them like Files.createTempFile: {@code .NAME1234.tmp}. */
    private static final Duration LEGACY_TMP_AGE = Duration.ofMinutes(1);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_LINKS = 40;

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content, boolean privateFile) throws IOException {
        Path real = followLinks(target.toAbsolutePath());
        Path dir = real.getParent();
        Files.createDirectories(dir);
        String name = real.getFileName().toString();
        removeStaleTemporaryFiles(dir, name);
        Path tmp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE) + TMP_SUFFIX);
        boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        PosixFileAttributes existing = posix && Files.exists(real)
                ? Files.readAttributes(real, PosixFileAttributes.class) : null;
        if (posix) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            if (posix) {
                Set<PosixFilePermission> mode = existing != null ? existing.permissions()
                        : PosixFilePermissions.fromString(privateFile ? "rw-------" : "rw-r--r--");
                if (privateFile) { // a file that holds secrets keeps only its owner's permissions
                    mode = java.util.EnumSet.copyOf(mode);
                    mode.retainAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE));
                    mode.add(PosixFilePermission.OWNER_READ);
                    mode.add(PosixFilePermission.OWNER_WRITE);
                }
                if (existing != null) {
                    keepOwner(tmp, existing, real);
                }
                Files.setPosixFilePermissions(tmp, mode);
            }
            try {
                Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, real, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void keepOwner(Path tmp, PosixFileAttributes existing, Path real) {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        try {
            PosixFileAttributes now = view.readAttributes();
            if (!now.owner().equals(existing.owner())) {
                view.setOwner(existing.owner());
            }
            if (!now.group().equals(existing.group())) {
                view.setGroup(existing.group());
            }
        } catch (IOException e) {
            // Only root may give a file away; the file then belongs to the user running Ferry.
            LOG.warn("Could not keep the owner {}:{} of {} ({}); it now belongs to the user running Ferry",
                    existing.owner().getName(), existing.group().getName(), real, e.getMessage());
        }
    }

    /**
     * The file a path names once symbolic links are followed (also a link whose target does not
     * exist yet: the target is what gets written).
     */
    public static Path followLinks(Path path) throws IOException {
        Path p = path.toAbsolutePath();
        for (int i = 0; i < MAX_LINKS; i++) {
            if (!Files.isSymbolicLink(p)) {
                Path parent = p.getParent();
                // links among the folders too, so the temporary file lands beside the real file
                return parent != null && Files.exists(parent)
                        ? parent.toRealPath().resolve(p.getFileName()) : p;
            }
            Path link = Files.readSymbolicLink(p);
            p = p.getParent().resolve(link).normalize();
        }
        throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
    }

    private static void removeStaleTemporaryFiles(Path dir, String name) {
        Pattern mine = Pattern.compile(Pattern.quote("." + name + ".") + "(\\d+)\\.[0-9a-f]+" + Pattern.quote(TMP_SUFFIX));
        Pattern legacy = Pattern.compile(Pattern.quote("." + name) + "\\d+\\.tmp");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "." + name + "*")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                Matcher m = mine.matcher(n);
                boolean stale;
                if (m.matches()) {
                    long pid = Long.parseLong(m.group(1));
                    stale = pid != ProcessHandle.current().pid()
                            && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                } else if (legacy.matcher(n).matches()) {
                    FileTime t = Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS);
                    stale = t.toInstant().isBefore(Instant.now().minus(LEGACY_TMP_AGE));
                } else {
                    stale = false;
                }
                if (stale) {
                    Files.deleteIfExists(f);
                    LOG.info("Removed {}, left by a write that did not finish", f);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not look for stale temporary files in {}: {}", dir, e.toString());
        }
    }

    /**
     * Copies a file that belongs to the user (or another program) aside before Ferry changes
     * it: {@code NAME.ferry-backup-YYYYMMDD-HHMMSS-mmm}, beside the path given (the link, when it
     * is one), with the file's permissions. Each backup gets a name of its own; only the newest
     * {@value #KEPT_BACKUPS} are kept. Returns the backup, or null when there was nothing to back up.
     */
    public static Path backup(Path file) throws IOException {
        Path real = followLinks(file);
        if (!Files.exists(real)) {
            return null;
        }
        Path at = file.toAbsolutePath();
        // One backup-and-prune at a time per file in this JVM: otherwise a writer's prune can delete
        // the newest-but-sixth backup just made by another, and a third writer of the same
        // millisecond gets that freed name again (two callers handed the same backup). Another
        // process can still prune ours, but only what the bound drops anyway.
        synchronized (at.toString().intern()) {
            String stamp = LocalDateTime.now().format(STAMP);
            String base = at.getFileName() + BACKUP_INFIX + stamp;
            Path backup = at.resolveSibling(base);
            for (int n = 2; ; n++) {
                try {
                    Files.copy(real, backup, StandardCopyOption.COPY_ATTRIBUTES);
                    break;
                } catch (FileAlreadyExistsException taken) {
                    backup = at.resolveSibling(base + "-" + n);
                }
            }
            pruneBackups(at);
            return backup;
        }
    }

    private static void pruneBackups(Path file) {
        List<Path> backups = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(file.getParent(), file.getFileName() + BACKUP_INFIX + "*")) {
            files.forEach(backups::add);
        } catch (IOException e) {
            LOG.debug("Could not list the backups of {}: {}", file, e.toString());
            return;
        }
        backups.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (int i = 0; i < backups.size() - KEPT_BACKUPS; i++) {
            try {
                Files.deleteIfExists(backups.get(i));
            } catch (IOException e) {
                LOG.debug("Could not remove the old backup {}: {}", backups.get(i), e.toString());
            }
        }
    }
}
