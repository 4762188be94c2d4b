#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include "files.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *test_read_file(const char *path, size_t *out_len) {
    /* The kiosk's own reader: a fixture is read exactly as the kiosk reads it. */
    char why[600];
    char *buf = files_read(path, out_len, why, sizeof why);
    if (!buf) {
        fail_msg("%s", why);
    }
    return buf;
}

void test_remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d != NULL) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                    continue;
                }
                char child[1024];
                snprintf(child, sizeof child, "%s/%s", path, e->d_name);
                test_remove_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}
