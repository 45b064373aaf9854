"""aiogram-dialog dialogs. `create_dialogs()` builds fresh Dialog objects for one dispatcher."""

from __future__ import annotations

from aiogram_dialog import Dialog


def create_dialogs() -> list[Dialog]:
    from dialogs.booking.dialog import create_booking_dialog
    from dialogs.booking.slots import create_slots_dialog
    from dialogs.checkin.dialog import create_checkin_dialog
    from dialogs.concern.dialog import create_concern_dialog
    from dialogs.conversations.dialog import create_talk_dialog
    from dialogs.conversations.staff_answer import create_staff_answer_dialog
    from dialogs.danger.dialog import create_danger_dialog
    from dialogs.eligibility.dialog import create_eligibility_dialog
    from dialogs.info.dialog import create_info_dialog
    from dialogs.language.dialog import create_language_dialog
    from dialogs.menu.dialog import create_menu_dialog
    from dialogs.mydata.dialog import create_delete_dialog, create_my_registration_dialog
    from dialogs.recording.dialog import create_recording_dialog
    from dialogs.registration.dialog import create_registration_dialog
    from dialogs.stats.dialog import create_stats_dialog

    return [
        create_menu_dialog(),
        create_language_dialog(),
        create_info_dialog(),
        create_eligibility_dialog(),
        create_registration_dialog(),
        create_my_registration_dialog(),
        create_delete_dialog(),
        create_talk_dialog(),
        create_booking_dialog(),
        create_slots_dialog(),
        create_checkin_dialog(),
        create_stats_dialog(),
        create_danger_dialog(),
        create_concern_dialog(),
        create_recording_dialog(),
        create_staff_answer_dialog(),
    ]
