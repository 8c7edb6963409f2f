<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>BlockReasonDialog</name>
    <message>
        <source>Block slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. staff meeting, repairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BookIntoSlotDialog</name>
    <message>
        <source>Book</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BookingsTableModel</name>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This column cannot be sorted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} · reference {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>checked in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BookingsView</name>
    <message>
        <source>Name, email, phone or ref.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active (pending or confirmed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All, with cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;lear filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the bookings this filter shows as CSV, Excel, PDF or iCalendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;onfirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark &amp;no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check &amp;in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reschedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit details…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only an owner, or staff an owner has allowed to export, can export customers&apos; details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bookings the table shows: {n}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select at most {n} bookings at a time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Cancel {count} booking(s)?</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{done} of {total} booking(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} booking(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel {ref} for {name}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked {what} as no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked in {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moved {name} to {day} {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the details of {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what}: {why}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{done}; {n} failed: {reasons}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No bookings match these filters.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CalendarView</name>
    <message>
        <source>Previous month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous month (Page Up)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next month (Page Down)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today (Home)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour: share of places booked — green empty, amber half, red full · hatched: holiday · dashed: special hours · underlined: today · thick frame: selected day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slots and bookings of the selected day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Book…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unblock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capacity…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slots…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate, block a range, clean up past slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No business yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{booked} of %n place(s) booked this month</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{when} now takes %n.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Generated %n slot(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Blocked: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing can be booked on this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No slots — generate them with Slots…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No slots on this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Book {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booked {ref} for {name}, {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is {when} blocked?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blocked {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unblocked {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Places in this slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many people can {when} take?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CancelReasonDialog</name>
    <message>
        <source>Cancel booking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. customer called, ill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>0–1 hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1–24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1–7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>7–30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>30+ days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>under {percent}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{low}–{high}</source>
        <comment>a range of percentages</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{first} – {last}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{period}, a bar a week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No bookings in this period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings per day, by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings per week, by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Utilisation by weekday and hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hour of the day (local time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead time (booking made → appointment)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title}, median {hours} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a shared database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Several desks share one database on a server. Ask whoever set up the server for these details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. office-server or 192.168.1.20</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer has no system keyring, so the password cannot be remembered safely: the app will ask for it each time it starts. It is never written to a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fill in {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing the connection to {host}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set &amp;up and connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answers, but this database is empty: it is not a Booking Desktop database yet. &quot;Set up and connect&quot; makes it one; you then set up the business and its owner account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no business yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection works: a Booking Desktop database ({names}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is from an older version and will be upgraded when you connect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You will sign in with your account there.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DayCellDelegate</name>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DayScheduleModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Places</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state}, full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blocked: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{time} · {booked} of %n place(s) booked · {state}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{reason}; bookings already made stay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled (no reason given)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DaySheet</name>
    <message>
        <source>{places} (blocked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No slots on this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time / ref.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Places / customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save day sheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>day-sheet-{day}.pdf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day sheet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditDetailsDialog</name>
    <message>
        <source>Edit details — {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N&amp;otes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>CSV (spreadsheet, text)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel workbook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iCalendar (calendar apps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iCalendar files (*.ics)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a byte-order mark (Excel reads accents right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Times in UTC instead of the business&apos;s time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save as:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose where to save the file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export PDF anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This PDF would have about {pages} of bookings. A CSV or Excel file suits that many better: choose it under Format, or press Export PDF anyway.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{count} page(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Drawing page {done} of {total}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exporting… {done} of {total} booking(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported {n} booking(s) to {path}</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Mon–Fri 09:00–17:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mon–Fri 09:00–17:00, lunch 12:00–13:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mon–Fri 08:00–18:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every day 10:00–18:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sat–Sun 10:00–16:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mon–Fri 09:00–17:00, Sat 09:00–13:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome to Booking Desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Set up a new business&lt;/b&gt; below. Everything can be changed later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Join a business on a server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another desk already works on a shared database: connect this computer to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Salon Anna</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business &amp;name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening &amp;hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slot &amp;length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Places per slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Owner account&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Repeat password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FrontDeskView</name>
    <message>
        <source>Show cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List cancelled bookings, struck through, with the reason on hover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slots and bookings of the day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate slots…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check &amp;in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark &amp;completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark &amp;no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Con&amp;firm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ancel booking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reschedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit details…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Block slot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Unblock slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No business yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing can be booked on this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No slots on this day — generate slots for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No slots on this day. Ask an owner to generate slots.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status}. {hint}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{day} · today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{day} · tomorrow</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Generated %n slot(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing is free today any more. Next free: {at}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} checked in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel {ref} for {name}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled {ref}. Ctrl+Z undoes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moved {ref} to {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the details of {ref}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is {when} blocked?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blocked {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unblocked {when}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GenerateSlotsDialog</name>
    <message>
        <source>Slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block a range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next 4 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slot length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Places per slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Break between slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview (nothing is written until you click Generate):</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{slots} on %n day(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new slot(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No new slots.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n planned slot(s) are already covered by existing slots, left as they are.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n would start in the past and are not made.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Done: {created}, {skipped} skipped (time already covered), {past} in the past not made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) created</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>e.g. staff meeting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block these slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unblock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slots that overlap this time take no new bookings; bookings already made stay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) blocked.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) unblocked.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n past slot(s) removed.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove past unbooked slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removes slots that have ended and never held a booking. Slots with bookings (of any status) stay for the history.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HoursGrid</name>
    <message>
        <source>Drag over closed time to open it; drag over open time to close it; click an interval to fine-tune it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HoursView</name>
    <message>
        <source>Mon–Fri 9–17</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mon–Fri 9–12, 13–17 (lunch break)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mon–Fri 8–18</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every day 10–18</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sat–Sun 10–16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mon–Fri 9–17, Sat 9–13</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The business hours have unsaved changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weekly opening hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drag over closed time to open it, over open time to close it. Click an interval to set exact times.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click an interval in the grid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Holidays and special days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the hours…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Open %n day(s) a week</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Unsaved changes · {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) cancelled.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Template applied; Save to keep it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business hours saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving the hours…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {day}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed {day}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Front desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{view} (Ctrl+{number})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous day (Alt+Left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next day (Alt+Right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a booking: name, email, phone or reference (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a booking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Print day sheet…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export day sheet as P&amp;DF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect to a shared database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this &amp;computer&apos;s database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undid {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redid {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find booking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Booking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Walk-in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Previous day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Next day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Generate slots…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System language ({name})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switching the language…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database: {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in: {name} ({role})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Up to date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Up to date · {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database is back; everything shown is up to date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database is out of reach. What you type is kept, but nothing can be saved until the connection is back; the desk reconnects by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline · reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MonthModel</name>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Holiday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Special hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{kind}: {note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n blocked</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{booked} of {places} places booked in %n slot(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutsideHoursDialog</name>
    <message>
        <source>Bookings outside the new hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) would fall outside the opening hours. Keep them as they are, or cancel them?</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason given to customers when cancelling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to editing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PdfReport</name>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n}%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate} ({booked} of {places})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancellation rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No-show rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmation rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate} ({n} of {d} pending)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead time, median</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Utilisation {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Popular #{rank}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All businesses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all dates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{first} – {last}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>made {period}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings: {period}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{bookings} (table filtered: {by})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page {page} of {pages}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} · Time zone {zone}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business: {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} (continued)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking report · {who} · {period}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No bookings.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count bookings by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By appointment date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By date booked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appointment date: the bookings for this period. Date booked: the bookings taken in this period, whenever their appointment is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B&amp;usiness:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export this period&apos;s bookings:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iCalendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export this period&apos;s bookings as {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>utilisation (booked places / capacity)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no-shows (of completed + no-show)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pending that became confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>median lead time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings per day, by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Utilisation by weekday and hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bookings by status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All bookings of {who} made {first} to {last}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All bookings of {who}, {first} to {last}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{b} booked place(s) of {c} (slots not blocked)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{n} of {d} booking(s) that were pending</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All businesses</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message>
        <source>Reschedule {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Move here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for free times…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{name} — now: {day} {time}. Choose a free time in the next %n day(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No free time in the next %n day(s). Generate more slots in Hours, or unblock one.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{start}–{end}   {free} of %n free</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in — {app}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SpecialDayDialog</name>
    <message>
        <source>Holiday or special day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed all day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 10:00-14:00, 15:00-18:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Christmas, stocktaking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write hours as 10:00-14:00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Special hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the opening hours of this day, or tick Closed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable / enable selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow / stop exporting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let the selected staff account export customers&apos; details (Bookings → Export…), or stop it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} ({role})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{account} — disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{account} — may export customers&apos; details</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{who}: %n wrong password(s) in a row</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{trouble}, must wait until {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed sign-ins — {lines}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} (no such user)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WalkInForm</name>
    <message>
        <source>Walk-in or phone booking (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+↑ / Ctrl+↓ pick another slot while typing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer name (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Book  (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sou&amp;rce</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No&amp;tes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not bookable now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No free slot on this day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no free slot to book on this day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection was lost while booking {ref} for {name}. Whether it was saved is checked as soon as the database answers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booked {ref} for {name}, {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(It had been saved when the connection was lost.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{ref} for {name} was not saved. Press Enter to book it now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{why} Nothing else is free on {day}. Next free: {at}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{why} Next free: {at}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Book {at} instead</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_Counts</name>
    <message numerus="yes">
        <source>{count} place(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} booking(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n place(s) free</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_ReasonDialog</name>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>No business is set up yet. Ask an owner to set it up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password is kept in the system keyring.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no system keyring here: the password will be asked for next time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to {where}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the database {where}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>commands</name>
    <message>
        <source>The {what} was not saved; nothing was changed. Do it again if it is still wanted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {what} had been saved when the connection was lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whether the last action was saved could not be found out: {why}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>The connection was lost just as this was being saved, so it is not known yet whether it was. The desk checks as soon as the database answers and says so.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what}: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{lead}: {refusals}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong: {error}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The details were written to {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the PDF to {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database is out of reach, so nothing was saved. The desk reconnects by itself: try again when the banner at the top has gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request could not be completed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some of the details entered are not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot is already full.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot has already started; it can no longer be booked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot is blocked and cannot be booked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time is outside the opening hours and can no longer be booked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This customer already has a booking in this time slot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That booking reference belongs to another booking.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The booking cannot be changed that way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only an owner can do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That record no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to the database was lost. Nothing from this step was saved; please try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to the database was lost just as this was being saved, so it is not known whether it was saved. Look at it again once the database answers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a Booking Desktop database, or it is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The disk is full: nothing was saved. Free some space and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was redone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was undone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>booking of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancellation of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reinstatement of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>marking as pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>completion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} ({ref}) is already {status}; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{noun} of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>check-in of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>undo of the check-in of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>move of {name} to {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The details of {ref} are already these; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>edit of {name}&apos;s details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot is already blocked; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot is already open; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>block of {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unblock of {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot already takes {n}; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>capacity change of {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The selected bookings are already so; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{noun} of {n} bookings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what} ({ref})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The account {name} no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The account {name} is disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only an owner, or staff an owner has allowed to export, can export customers&apos; details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That time slot no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason}. This time can no longer be booked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot has already started; choose a later one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot is full ({booked}/{places}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot is full.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reference {ref} belongs to another booking; nothing was booked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} was changed at another desk meanwhile (it is now {status}); nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That booking no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No booking with reference {ref}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} is {status}; only a pending or confirmed booking can be cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} was moved at another desk meanwhile (it is now at {when}); nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} is {status} and cannot be moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The booking is already in that time slot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That time slot belongs to another business; book the customer there instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>marked as a no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as a no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} is {status}; it cannot become {new}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The appointment has not begun yet; it cannot be marked {status} before {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} is {status}; it cannot be checked in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is already checked in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} ({ref}) is booked for {day}; check-in is possible on that day only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} is {status} now; its check-in cannot be taken back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} was changed at another desk meanwhile; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot&apos;s capacity was changed at another desk meanwhile (it now takes {n}); nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 place is already booked in this slot; the capacity cannot go below 1. Cancel or move bookings first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} places are already booked in this slot; the capacity cannot go below {n}. Cancel or move bookings first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The start {start} must be before the end {end}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some bookings would fall outside the new opening hours.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That business no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a business to filter by date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The details of booking {ref} were changed at another desk meanwhile; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking {ref} already holds a place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A special day that is not closed needs opening hours.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no special day on {day}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slot generation was stopped; no slots were created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This time slot was blocked or unblocked at another desk meanwhile; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password must have at least {n} characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password contains control characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The username cannot contain spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The username {name} is taken.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong passwords; wait a moment and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong passwords for {name}. Try again in {n} seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong passwords for {name}. Try again in {n} minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The account {name} is disabled; ask an owner.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is the last active owner account; add another owner first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} must be text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} contains invisible control characters; please retype it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} is required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} is too long ({length} characters; at most {most}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The email address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} {value} does not look like name@example.com.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The phone number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} {value} is not a phone number (digits, spaces, + - ( ) only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{value} is not a booking reference like K7M-4QX.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} must be a whole number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} must be between {low} and {high} (got {value}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} {value} is not a date (YYYY-MM-DD).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} must be a date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} {value} is out of range ({low}–{high}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The start date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The end date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The end date {end} is before the start date {start}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The date range is too long; at most {days} days at a time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} {value} is not a time (HH:MM).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} must be a time of day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} is a local time and takes no time zone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: give a list of (open, close) times.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: each interval needs an opening and a closing time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: opening {opens} must be before closing {closes}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: the intervals overlap ({later} is before {earlier}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancellation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirmation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>check-in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>formats</name>
    <message>
        <source>HH:mm</source>
        <comment>a time of day: 09:00 (Qt QTime format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ddd d MMM yyyy</source>
        <comment>a day with its year: Tue 1 Dec 2026 (Qt QDate format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HH:mm:ss</source>
        <comment>a time with seconds: 09:00:05 (Qt QTime format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ddd d MMM</source>
        <comment>a day without its year: Tue 1 Dec (Qt QDate format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ddd dd MMM yyyy</source>
        <comment>a day in a table, days in two digits: Mon 04 Mar 2030 (Qt QDate format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dddd d MMMM yyyy</source>
        <comment>a day&apos;s title: Tuesday 1 December 2026 (Qt QDate format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dd MMM</source>
        <comment>a day on a chart&apos;s axis: 01 Dec (Qt QDate format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MMMM yyyy</source>
        <comment>a month&apos;s title: December 2026 (Qt QDate format)</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <comment>a day and a time: Tue 1 Dec 16:30</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{day} {start}–{end}</source>
        <comment>a slot: Tue 1 Dec 10:00–10:30</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n}%</source>
        <comment>a percentage: 87%</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dd MMM yyyy</source>
        <comment>a day in a report&apos;s header: 04 Mar 2030 (Qt QDate format)</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No-show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filling up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Past</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Walk-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>staff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked {name} pending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked {name} confirmed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked {name} completed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked {name} no-show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked {name} cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outside opening hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outside the special hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outside the special hours ({note})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed: holiday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed: {note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed — holiday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed — {note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Special hours {hours}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Special hours {hours} — {note}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
