#include "content.h"
typedef int kiosk_placeholder_content;
