#include "textedit.h"
typedef int kiosk_placeholder_textedit;
