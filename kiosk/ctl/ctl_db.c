#include "ctl_db.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_args.h"

CtlExit ctl_db_open(const char *path, int busy_timeout_ms, Storage **out, char *why,
                    size_t why_len) {
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) {
            snprintf(why, why_len,
                     "no database at %s (kioskctl never creates one: check the path or --db; "
                     "the kiosk creates it when it first starts)",
                     path);
        } else {
            snprintf(why, why_len, "%s: %s", path, strerror(errno));
        }
        return CTL_EXIT_DATABASE;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "%s is not a database file", path);
        return CTL_EXIT_DATABASE;
    }
    StorageOptions options = {.busy_timeout_ms = busy_timeout_ms, .vfs_name = NULL};
    char err[512] = "";
    KsStatus status = KS_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        status = storage_open(path, &options, out, err, sizeof err);
        if (status != KS_ERR_BUSY) {
            break;
        }
    }
    if (status == KS_OK) {
        return CTL_EXIT_OK;
    }
    if (status == KS_ERR_BUSY) {
        snprintf(why, why_len, "the database stayed locked (%d ms, twice): %s", busy_timeout_ms,
                 err);
        return CTL_EXIT_BUSY;
    }
    snprintf(why, why_len, "cannot open the database: %s", err);
    return CTL_EXIT_DATABASE;
}

KsStatus ctl_resolve(Storage *storage, const char *text, StoredRequest *out) {
    char word[32];
    while (*text == ' ') {
        text++;
    }
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == ' ') {
        len--;
    }
    if (len == 0 || len >= sizeof word) {
        return KS_ERR_INVALID;
    }
    memcpy(word, text, len);
    word[len] = '\0';
    bool digits = true;
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)word[i]) && word[i] != '-') {
            return KS_ERR_INVALID;
        }
        if (!isdigit((unsigned char)word[i])) {
            digits = false;
        }
    }
    if (digits) {
        int64_t id;
        if (!ctl_parse_int(word, 1, INT64_MAX, &id)) {
            return KS_ERR_INVALID;
        }
        return storage_find_id(storage, id, out);
    }
    if (len >= REQUEST_REF_CAP) {
        return KS_ERR_INVALID;
    }
    return storage_find_ref(storage, word, out);
}

CtlExit ctl_exit_for(KsStatus status) {
    switch (status) {
    case KS_OK:
        return CTL_EXIT_OK;
    case KS_ERR_BUSY:
        return CTL_EXIT_BUSY;
    default:
        return CTL_EXIT_DATABASE;
    }
}

void ctl_unix_user(char *out, size_t out_len) {
    struct passwd pw;
    struct passwd *found = NULL;
    char buf[1024];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found != NULL &&
        found->pw_name[0] != '\0') {
        snprintf(out, out_len, "%s", found->pw_name);
    } else {
        snprintf(out, out_len, "uid%u", (unsigned)geteuid());
    }
}
