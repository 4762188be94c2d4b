#include "textedit.h"
