#include "outbox.h"
typedef int kiosk_placeholder_outbox;
