<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>BookingsView</name>
    <message numerus="yes">
        <source>Cancel {count} booking(s)?</source>
        <translation>
            <numerusform>Cancel {count} booking?</numerusform>
            <numerusform>Cancel {count} bookings?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{done} of {total} booking(s)</source>
        <translation>
            <numerusform>{done} of {total} booking</numerusform>
            <numerusform>{done} of {total} bookings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} booking(s)</source>
        <translation>
            <numerusform>{count} booking</numerusform>
            <numerusform>{count} bookings</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CalendarView</name>
    <message numerus="yes">
        <source>{booked} of %n place(s) booked this month</source>
        <translation>
            <numerusform>{booked} of %n place booked this month</numerusform>
            <numerusform>{booked} of %n places booked this month</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{when} now takes %n.</source>
        <translation>
            <numerusform>{when} now takes %n.</numerusform>
            <numerusform>{when} now takes %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Generated %n slot(s).</source>
        <translation>
            <numerusform>Generated %n slot.</numerusform>
            <numerusform>Generated %n slots.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CustomerDataDialog</name>
    <message numerus="yes">
        <source> month(s)</source>
        <translation>
            <numerusform> month</numerusform>
            <numerusform> months</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Maintain would erase %n customer(s) now.</source>
        <translation>
            <numerusform>Maintain would erase %n customer now.</numerusform>
            <numerusform>Maintain would erase %n customers now.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Erased %n customer(s).</source>
        <translation>
            <numerusform>Erased %n customer.</numerusform>
            <numerusform>Erased %n customers.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CustomerFigures</name>
    <message numerus="yes">
        <source>{n} of {d} booking(s) not cancelled</source>
        <translation>
            <numerusform>{n} of {d} booking not cancelled</numerusform>
            <numerusform>{n} of {d} bookings not cancelled</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n no-show(s) (customer {id})</source>
        <translation>
            <numerusform>{name}: %n no-show (customer {id})</numerusform>
            <numerusform>{name}: %n no-shows (customer {id})</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CustomerWords</name>
    <message numerus="yes">
        <source>%n visit(s)</source>
        <translation>
            <numerusform>%n visit</numerusform>
            <numerusform>%n visits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n no-show(s)</source>
        <translation>
            <numerusform>%n no-show</numerusform>
            <numerusform>%n no-shows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cancellation(s)</source>
        <translation>
            <numerusform>%n cancellation</numerusform>
            <numerusform>%n cancellations</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s)</source>
        <translation>
            <numerusform>%n booking</numerusform>
            <numerusform>%n bookings</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DayScheduleModel</name>
    <message numerus="yes">
        <source>{time} · {booked} of %n place(s) booked · {state}</source>
        <translation>
            <numerusform>{time} · {booked} of %n place booked · {state}</numerusform>
            <numerusform>{time} · {booked} of %n places booked · {state}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n group</numerusform>
            <numerusform>%n groups</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>{count} page(s)</source>
        <translation>
            <numerusform>{count} page</numerusform>
            <numerusform>{count} pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exporting… {done} of {total} booking(s)</source>
        <translation>
            <numerusform>Exporting… {done} of {total} booking</numerusform>
            <numerusform>Exporting… {done} of {total} bookings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported {n} booking(s) to {path}</source>
        <translation>
            <numerusform>Exported {n} booking to {path}</numerusform>
            <numerusform>Exported {n} bookings to {path}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FrontDeskView</name>
    <message numerus="yes">
        <source>Generated %n slot(s).</source>
        <translation>
            <numerusform>Generated %n slot.</numerusform>
            <numerusform>Generated %n slots.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GenerateSlotsDialog</name>
    <message numerus="yes">
        <source>{slots} on %n day(s).</source>
        <translation>
            <numerusform>{slots} on %n day.</numerusform>
            <numerusform>{slots} on %n days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new slot(s)</source>
        <translation>
            <numerusform>%n new slot</numerusform>
            <numerusform>%n new slots</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n planned slot(s) are already covered by existing slots, left as they are.</source>
        <translation>
            <numerusform>%n planned slot is already covered by an existing slot, left as it is.</numerusform>
            <numerusform>%n planned slots are already covered by existing slots, left as they are.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n would start in the past and are not made.</source>
        <translation>
            <numerusform>%n would start in the past and is not made.</numerusform>
            <numerusform>%n would start in the past and are not made.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) created</source>
        <translation>
            <numerusform>%n slot created</numerusform>
            <numerusform>%n slots created</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) blocked.</source>
        <translation>
            <numerusform>%n slot blocked.</numerusform>
            <numerusform>%n slots blocked.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) unblocked.</source>
        <translation>
            <numerusform>%n slot unblocked.</numerusform>
            <numerusform>%n slots unblocked.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n past slot(s) removed.</source>
        <translation>
            <numerusform>%n past slot removed.</numerusform>
            <numerusform>%n past slots removed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HealthDialog</name>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) found (checked {when}):</source>
        <translation>
            <numerusform>%n problem found (checked {when}):</numerusform>
            <numerusform>%n problems found (checked {when}):</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Backed up {n} booking(s) to {path}.</source>
        <translation>
            <numerusform>Backed up {n} booking to {path}.</numerusform>
            <numerusform>Backed up {n} bookings to {path}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HoursView</name>
    <message numerus="yes">
        <source>Open %n day(s) a week</source>
        <translation>
            <numerusform>Open %n day a week</numerusform>
            <numerusform>Open %n days a week</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) cancelled.</source>
        <translation>
            <numerusform>%n booking cancelled.</numerusform>
            <numerusform>%n bookings cancelled.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MonthModel</name>
    <message numerus="yes">
        <source>%n blocked</source>
        <translation>
            <numerusform>%n blocked</numerusform>
            <numerusform>%n blocked</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{booked} of {places} places booked in %n slot(s)</source>
        <translation>
            <numerusform>{booked} of {places} places booked in %n slot</numerusform>
            <numerusform>{booked} of {places} places booked in %n slots</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutsideHoursDialog</name>
    <message numerus="yes">
        <source>%n booking(s) would fall outside the opening hours. Keep them as they are, or cancel them?</source>
        <translation>
            <numerusform>%n booking would fall outside the opening hours. Keep it as it is, or cancel it?</numerusform>
            <numerusform>%n bookings would fall outside the opening hours. Keep them as they are, or cancel them?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message numerus="yes">
        <source>{b} booked place(s) of {c} (slots not blocked)</source>
        <translation>
            <numerusform>{b} booked place of {c} (slots not blocked)</numerusform>
            <numerusform>{b} booked places of {c} (slots not blocked)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{n} of {d} booking(s) that were pending</source>
        <translation>
            <numerusform>{n} of {d} booking that was pending</numerusform>
            <numerusform>{n} of {d} bookings that were pending</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message numerus="yes">
        <source>{name} — now: {day} {time}. Choose a free time in the next %n day(s).</source>
        <translation>
            <numerusform>{name} — now: {day} {time}. Choose a free time in the next %n day.</numerusform>
            <numerusform>{name} — now: {day} {time}. Choose a free time in the next %n days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No free time in the next %n day(s). Generate more slots in Hours, or unblock one.</source>
        <translation>
            <numerusform>No free time in the next %n day. Generate more slots in Hours, or unblock one.</numerusform>
            <numerusform>No free time in the next %n days. Generate more slots in Hours, or unblock one.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{start}–{end}   {free} of %n free</source>
        <translation>
            <numerusform>{start}–{end}   {free} of %n free</numerusform>
            <numerusform>{start}–{end}   {free} of %n free</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RetentionWords</name>
    <message numerus="yes">
        <source>Erase %n customer(s) now?</source>
        <translation>
            <numerusform>Erase %n customer now?</numerusform>
            <numerusform>Erase %n customers now?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message numerus="yes">
        <source>{who}: %n wrong password(s) in a row</source>
        <translation>
            <numerusform>{who}: %n wrong password in a row</numerusform>
            <numerusform>{who}: %n wrong passwords in a row</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_Counts</name>
    <message numerus="yes">
        <source>{count} place(s)</source>
        <translation>
            <numerusform>{count} place</numerusform>
            <numerusform>{count} places</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} booking(s)</source>
        <translation>
            <numerusform>{count} booking</numerusform>
            <numerusform>{count} bookings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n place(s) free</source>
        <translation>
            <numerusform>%n place free</numerusform>
            <numerusform>%n places free</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n free</source>
        <comment>places free, where the slot box is narrow</comment>
        <translation>
            <numerusform>%n free</numerusform>
            <numerusform>%n free</numerusform>
        </translation>
    </message>
</context>
</TS>
