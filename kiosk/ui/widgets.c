/* placeholder: written in the front-end step */
typedef int kiosk_placeholder_widgets;
