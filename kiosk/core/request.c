#include "request.h"
typedef int kiosk_placeholder_request;
