#include "last_good.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

void last_good_dir(const char *state_dir, const char *db_path, char *out, size_t out_len) {
    if (state_dir && state_dir[0]) {
        snprintf(out, out_len, "%s", state_dir);
        return;
    }
    const char *slash = db_path ? strrchr(db_path, '/') : NULL;
    if (!slash) {
        snprintf(out, out_len, "last-good");
    } else if (slash == db_path) {
        snprintf(out, out_len, "/last-good");
    } else {
        snprintf(out, out_len, "%.*s/last-good", (int)(slash - db_path), db_path);
    }
}

static void copy_path(const char *dir, const char *name, char *out, size_t out_len) {
    snprintf(out, out_len, "%s/", dir);
    size_t used = strlen(out);
    for (const char *c = name; *c && used + 1 < out_len; c++) {
        out[used++] = *c == '/' ? '_' : *c;
    }
    out[used] = '\0';
}

static bool same_as(const char *path, const char *buf, size_t len) {
    size_t old_len;
    char why[300];
    char *old = files_read(path, &old_len, why, sizeof why);
    bool same = old && old_len == len && memcmp(old, buf, len) == 0;
    free(old);
    return same;
}

static bool write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

KsStatus last_good_save(const char *dir, const char *name, const char *buf, size_t len, char *why,
                        size_t why_len) {
    char path[1200], tmp[1300];
    copy_path(dir, name, path, sizeof path);
    if (same_as(path, buf, len)) {
        return KS_OK;
    }
    files_make_private_parents(path);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(why, why_len, "%s: cannot create: %s", tmp, strerror(errno));
        return KS_ERR_IO;
    }
    if (!write_all(fd, buf, len) || fsync(fd) != 0) {
        snprintf(why, why_len, "%s: cannot write: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return KS_ERR_IO;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        snprintf(why, why_len, "%s: cannot replace: %s", path, strerror(errno));
        unlink(tmp);
        return KS_ERR_IO;
    }
    /* The rename is durable once the folder is synced too. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return KS_OK;
}

char *last_good_read(const char *dir, const char *name, size_t *out_len, char *out_path,
                     size_t out_path_len) {
    char path[1200], why[300];
    copy_path(dir, name, path, sizeof path);
    char *buf = files_read(path, out_len, why, sizeof why);
    if (buf) {
        snprintf(out_path, out_path_len, "%s", path);
    }
    return buf;
}
