#include "flow.h"
typedef int kiosk_placeholder_flow;
