#include "keyboard.h"
