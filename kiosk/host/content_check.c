#include "content_check.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "content.h"
#include "datafile.h"
#include "files.h"
#include "triage.h"

static int check_one(const char *path, DataFileKind *out_kind) {
    char why[600];
    size_t len = 0;
    char *buf = files_read(path, &len, why, sizeof why);
    if (!buf) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    KsError err;
    KsStatus st = datafile_check(buf, len, path, out_kind, &err);
    free(buf);
    if (st != KS_OK) {
        char msg[900];
        ks_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 1;
    }
    printf("%s: ok (%s)\n", path, datafile_kind_name(*out_kind));
    return 0;
}

static void print_problem(void *ctx, const KsError *problem) {
    (void)ctx;
    char msg[900];
    ks_error_format(problem, msg, sizeof msg);
    fprintf(stderr, "%s\n", msg);
}

/* The English content is the reference every other language must cover. */
#define REFERENCE_LANGUAGE "en"

static Content *load_content(const char *path) {
    char why[600];
    size_t len = 0;
    char *buf = files_read(path, &len, why, sizeof why);
    Content *content = NULL;
    KsError err;
    if (buf && content_parse(buf, len, path, &content, &err) != KS_OK) {
        content = NULL;
    }
    free(buf);
    return content;
}

static int check_folder(const char *dir) {
    int failures = 0;
    char path[1024];
    DataFileKind kind;
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    failures += check_one(path, &kind);
    snprintf(path, sizeof path, "%s/selfcheck.yaml", dir);
    failures += check_one(path, &kind);
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/keyboards", dir);
    DIR *d = opendir(sub);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0) {
                snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
                failures += check_one(path, &kind);
            }
        }
        closedir(d);
    }
    /* Each language folder's content, and its wording for the self-check. */
    d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open folder: %s\n", dir, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s/content.yaml", dir, REFERENCE_LANGUAGE);
    Content *reference = load_content(path);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "keyboards") == 0) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s/content.yaml", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0) {
            continue;
        }
        if (check_one(path, &kind) != 0) {
            failures++;
            continue;
        }
        char why[600];
        size_t clen = 0, tlen = 0;
        char tpath[1024];
        snprintf(tpath, sizeof tpath, "%s/selfcheck.yaml", dir);
        char *cbuf = files_read(path, &clen, why, sizeof why);
        char *tbuf = files_read(tpath, &tlen, why, sizeof why);
        Content *content = NULL;
        Triage *triage = NULL;
        KsError err;
        if (cbuf && content_parse(cbuf, clen, path, &content, &err) == KS_OK && tbuf &&
            triage_parse(tbuf, tlen, tpath, &triage, &err) == KS_OK) {
            if (datafile_check_selfcheck_wording(content, triage, &err) != KS_OK) {
                char msg[900];
                ks_error_format(&err, msg, sizeof msg);
                fprintf(stderr, "%s (needed by %s)\n", msg, tpath);
                failures++;
            }
        }
        if (content && reference && strcmp(e->d_name, REFERENCE_LANGUAGE) != 0) {
            size_t missing = content_compare(content, reference, print_problem, NULL);
            if (missing) {
                fprintf(stderr, "%s: %zu text(s) missing or different against %s/content.yaml\n",
                        path, missing, REFERENCE_LANGUAGE);
                failures++;
            } else {
                printf("%s: has every text of %s/content.yaml\n", path, REFERENCE_LANGUAGE);
            }
        }
        content_destroy(content);
        triage_destroy(triage);
        free(cbuf);
        free(tbuf);
    }
    closedir(d);
    content_destroy(reference);
    return failures ? 1 : 0;
}

int content_check_run(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(sb.st_mode)) {
        return check_folder(path);
    }
    DataFileKind kind;
    return check_one(path, &kind);
}
