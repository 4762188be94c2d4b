#include "triage.h"
typedef int kiosk_placeholder_triage;
