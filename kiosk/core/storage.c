#include "storage.h"
typedef int kiosk_placeholder_storage;
