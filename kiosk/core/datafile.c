#include "datafile.h"
typedef int kiosk_placeholder_datafile;
