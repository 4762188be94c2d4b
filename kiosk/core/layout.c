#include "layout.h"
typedef int kiosk_placeholder_layout;
