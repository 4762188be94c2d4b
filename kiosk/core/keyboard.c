#include "keyboard.h"
typedef int kiosk_placeholder_keyboard;
