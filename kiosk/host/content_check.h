/* `--check-content PATH`: checks one data file, or a whole data folder
 * (config, self-check, keyboards, each language's content, and that every
 * language has the wording the self-check needs). Prints "FILE: ok (kind)"
 * to stdout per good file and "file:line:column: key.path: reason" to
 * stderr per mistake. Shared by the kiosk and kioskctl; no SDL. */
#ifndef KIOSK_CONTENT_CHECK_H
#define KIOSK_CONTENT_CHECK_H

/* Returns the process exit code: 0 when every file is good, 1 otherwise. */
int content_check_run(const char *path);

#endif
