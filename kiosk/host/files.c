#include "files.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *files_read(const char *path, size_t *out_len, char *why, size_t why_len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        snprintf(why, why_len, "%s: is a folder, not a file", path);
        return NULL;
    }
    char *buf = malloc(FILES_MAX_DATA_BYTES + 1);
    if (!buf) {
        fclose(f);
        snprintf(why, why_len, "%s: out of memory", path);
        return NULL;
    }
    size_t n = fread(buf, 1, FILES_MAX_DATA_BYTES + 1, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad || n > FILES_MAX_DATA_BYTES) {
        free(buf);
        snprintf(why, why_len, "%s: %s", path, bad ? "read error" : "larger than 4 MiB");
        return NULL;
    }
    buf[n] = '\0';
    *out_len = n;
    return buf;
}

void files_default_db_path(const char *explicit_path, const char *config_path, char *out,
                           size_t out_len) {
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (explicit_path && explicit_path[0]) {
        snprintf(out, out_len, "%s", explicit_path);
    } else if (config_path && config_path[0]) {
        snprintf(out, out_len, "%s", config_path);
    } else if (xdg && xdg[0]) {
        snprintf(out, out_len, "%s/aftercare-kiosk/requests.db", xdg);
    } else if (home && home[0]) {
        snprintf(out, out_len, "%s/.local/share/aftercare-kiosk/requests.db", home);
    } else {
        snprintf(out, out_len, "requests.db");
    }
}

void files_make_private_parents(const char *file_path) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", file_path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        return;
    }
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    mkdir(dir, 0700);
}
