#include "config.h"
typedef int kiosk_placeholder_config;
