/* The kiosk executable: everything lives in kiosk_main() so the benchmark
 * and tests can reuse it. */
#include "kiosk_main.h"

int main(int argc, char **argv) {
    return kiosk_main(argc, argv);
}
