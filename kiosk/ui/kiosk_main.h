/* The kiosk program: command line, loading data/ and fonts/, start-up of
 * SDL with the settings that make it start fast and sleep when idle, the
 * event loop, the scripted mode and `--check-content`. main() only calls
 * kiosk_main(); the benchmark reuses the pieces. */
#ifndef KIOSK_KIOSK_MAIN_H
#define KIOSK_KIOSK_MAIN_H

int kiosk_main(int argc, char **argv);

#endif
