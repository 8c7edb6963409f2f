<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>BlockReasonDialog</name>
    <message>
        <source>Block slot</source>
        <translation>Zeitfenster sperren</translation>
    </message>
    <message>
        <source>e.g. staff meeting, repairs</source>
        <translation>z. B. Teambesprechung, Reparatur</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Sperren</translation>
    </message>
</context>
<context>
    <name>BookIntoSlotDialog</name>
    <message>
        <source>Book</source>
        <translation>Buchen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
</context>
<context>
    <name>BookingsTableModel</name>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Uhrzeit</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>Eingecheckt</translation>
    </message>
    <message>
        <source>Created by</source>
        <translation>Erfasst von</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>This column cannot be sorted.</source>
        <translation>Nach dieser Spalte kann nicht sortiert werden.</translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <translation>{day} {time}</translation>
    </message>
    <message>
        <source>{name} · reference {ref}</source>
        <translation>{name} · Buchungsnummer {ref}</translation>
    </message>
    <message>
        <source>checked in</source>
        <translation>eingecheckt</translation>
    </message>
</context>
<context>
    <name>BookingsView</name>
    <message>
        <source>Name, email, phone or ref.</source>
        <translation>Name, E-Mail, Telefon oder Nr.</translation>
    </message>
    <message>
        <source>Search bookings</source>
        <translation>Buchungen suchen</translation>
    </message>
    <message>
        <source>Not cancelled</source>
        <translation>Nicht storniert</translation>
    </message>
    <message>
        <source>Active (pending or confirmed)</source>
        <translation>Aktiv (unbestätigt oder bestätigt)</translation>
    </message>
    <message>
        <source>All, with cancelled</source>
        <translation>Alle, auch stornierte</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Any source</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>&amp;Dates</source>
        <translation>&amp;Zeitraum</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>C&amp;lear filters</source>
        <translation>Filter &amp;löschen</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Save the bookings this filter shows as CSV, Excel, PDF or iCalendar</source>
        <translation>Die Buchungen dieses Filters als CSV, Excel, PDF oder iCalendar speichern</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>&amp;Cancel…</source>
        <translation>&amp;Stornieren…</translation>
    </message>
    <message>
        <source>C&amp;onfirm</source>
        <translation>&amp;Bestätigen</translation>
    </message>
    <message>
        <source>Mark &amp;no-show</source>
        <translation>Als &amp;nicht erschienen markieren</translation>
    </message>
    <message>
        <source>Check &amp;in</source>
        <translation>&amp;Einchecken</translation>
    </message>
    <message>
        <source>&amp;Reschedule…</source>
        <translation>&amp;Verschieben…</translation>
    </message>
    <message>
        <source>&amp;Edit details…</source>
        <translation>&amp;Details bearbeiten…</translation>
    </message>
    <message>
        <source>C&amp;ustomer card…</source>
        <translation>&amp;Kundenkarte…</translation>
    </message>
    <message>
        <source>Only an owner, or staff an owner has allowed to export, can export customers&apos; details.</source>
        <translation>Kundendaten exportieren können nur Inhaber und Mitarbeiter, denen ein Inhaber es erlaubt hat.</translation>
    </message>
    <message>
        <source>The bookings the table shows: {n}.</source>
        <translation>Die Buchungen der Tabelle: {n}.</translation>
    </message>
    <message>
        <source>Select at most {n} bookings at a time.</source>
        <translation>Höchstens {n} Buchungen auf einmal auswählen.</translation>
    </message>
    <message numerus="yes">
        <source>Cancel {count} booking(s)?</source>
        <translation>
            <numerusform>{count} Buchung stornieren?</numerusform>
            <numerusform>{count} Buchungen stornieren?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{done} of {total} booking(s)</source>
        <translation>
            <numerusform>{done} von {total} Buchung</numerusform>
            <numerusform>{done} von {total} Buchungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} booking(s)</source>
        <translation>
            <numerusform>{count} Buchung</numerusform>
            <numerusform>{count} Buchungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel {ref} for {name}?</source>
        <translation>Buchung {ref} von {name} stornieren?</translation>
    </message>
    <message>
        <source>Cancelled {what}</source>
        <translation>{what} storniert</translation>
    </message>
    <message>
        <source>Confirmed {what}</source>
        <translation>{what} bestätigt</translation>
    </message>
    <message>
        <source>Marked {what} as no-show</source>
        <translation>{what} als nicht erschienen markiert</translation>
    </message>
    <message>
        <source>Checked in {what}</source>
        <translation>{what} eingecheckt</translation>
    </message>
    <message>
        <source>Moved {name} to {day} {time}.</source>
        <translation>{name} verschoben auf {day} {time}.</translation>
    </message>
    <message>
        <source>Saved the details of {name}.</source>
        <translation>Details von {name} gespeichert.</translation>
    </message>
    <message>
        <source>{what}: {why}.</source>
        <translation>{what}: {why}.</translation>
    </message>
    <message>
        <source>{done}; {n} failed: {reasons}</source>
        <translation>{done}; {n} nicht möglich: {reasons}</translation>
    </message>
    <message>
        <source>No bookings match these filters.</source>
        <translation>Keine Buchungen für diese Filter.</translation>
    </message>
</context>
<context>
    <name>CalendarView</name>
    <message>
        <source>Previous month</source>
        <translation>Voriger Monat</translation>
    </message>
    <message>
        <source>Previous month (Page Up)</source>
        <translation>Voriger Monat (Bild auf)</translation>
    </message>
    <message>
        <source>Next month</source>
        <translation>Nächster Monat</translation>
    </message>
    <message>
        <source>Next month (Page Down)</source>
        <translation>Nächster Monat (Bild ab)</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Today (Home)</source>
        <translation>Heute (Pos1)</translation>
    </message>
    <message>
        <source>Colour: share of places booked — green empty, amber half, red full · hatched: holiday · dashed: special hours · underlined: today · thick frame: selected day</source>
        <translation>Farbe: Anteil gebuchter Plätze — grün leer, gelb halb, rot voll · schraffiert: Feiertag · gestrichelt: Sonderzeiten · unterstrichen: heute · dicker Rahmen: gewählter Tag</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Monat</translation>
    </message>
    <message>
        <source>Slots and bookings of the selected day</source>
        <translation>Zeitfenster und Buchungen des gewählten Tages</translation>
    </message>
    <message>
        <source>Book…</source>
        <translation>Buchen…</translation>
    </message>
    <message>
        <source>Block…</source>
        <translation>Sperren…</translation>
    </message>
    <message>
        <source>Unblock</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>Capacity…</source>
        <translation>Plätze…</translation>
    </message>
    <message>
        <source>Slots…</source>
        <translation>Zeitfenster…</translation>
    </message>
    <message>
        <source>Generate, block a range, clean up past slots</source>
        <translation>Zeitfenster erzeugen, Zeitraum sperren, vergangene aufräumen</translation>
    </message>
    <message>
        <source>No business yet</source>
        <translation>Noch kein Betrieb</translation>
    </message>
    <message numerus="yes">
        <source>{booked} of %n place(s) booked this month</source>
        <translation>
            <numerusform>{booked} von %n Platz in diesem Monat gebucht</numerusform>
            <numerusform>{booked} von %n Plätzen in diesem Monat gebucht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{when} now takes %n.</source>
        <translation>
            <numerusform>{when} hat jetzt %n Platz.</numerusform>
            <numerusform>{when} hat jetzt %n Plätze.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Generated %n slot(s).</source>
        <translation>
            <numerusform>%n Zeitfenster erzeugt.</numerusform>
            <numerusform>%n Zeitfenster erzeugt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Blocked: {reason}</source>
        <translation>Gesperrt: {reason}</translation>
    </message>
    <message>
        <source>Nothing can be booked on this day.</source>
        <translation>An diesem Tag kann nichts gebucht werden.</translation>
    </message>
    <message>
        <source>No slots — generate them with Slots…</source>
        <translation>Keine Zeitfenster — unter „Zeitfenster…“ erzeugen</translation>
    </message>
    <message>
        <source>No slots on this day.</source>
        <translation>Keine Zeitfenster an diesem Tag.</translation>
    </message>
    <message>
        <source>Book {when}</source>
        <translation>{when} buchen</translation>
    </message>
    <message>
        <source>Booked {ref} for {name}, {when}.</source>
        <translation>Gebucht: {ref} für {name}, {when}.</translation>
    </message>
    <message>
        <source>Why is {when} blocked?</source>
        <translation>Warum wird {when} gesperrt?</translation>
    </message>
    <message>
        <source>Blocked {when}.</source>
        <translation>{when} gesperrt.</translation>
    </message>
    <message>
        <source>Unblocked {when}.</source>
        <translation>{when} freigegeben.</translation>
    </message>
    <message>
        <source>Places in this slot</source>
        <translation>Plätze in diesem Zeitfenster</translation>
    </message>
    <message>
        <source>How many people can {when} take?</source>
        <translation>Wie viele Personen passen in {when}?</translation>
    </message>
</context>
<context>
    <name>CancelReasonDialog</name>
    <message>
        <source>Cancel booking</source>
        <translation>Buchung stornieren</translation>
    </message>
    <message>
        <source>e.g. customer called, ill</source>
        <translation>z. B. Kunde hat angerufen, krank</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>Behalten</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>0–1 hour</source>
        <translation>0–1 Std.</translation>
    </message>
    <message>
        <source>1–24 hours</source>
        <translation>1–24 Std.</translation>
    </message>
    <message>
        <source>1–7 days</source>
        <translation>1–7 Tage</translation>
    </message>
    <message>
        <source>7–30 days</source>
        <translation>7–30 Tage</translation>
    </message>
    <message>
        <source>30+ days</source>
        <translation>&gt; 30 Tage</translation>
    </message>
    <message>
        <source>under {percent}</source>
        <translation>unter {percent}</translation>
    </message>
    <message>
        <source>{low}–{high}</source>
        <comment>a range of percentages</comment>
        <translation>{low}–{high}</translation>
    </message>
    <message>
        <source>{first} – {last}</source>
        <translation>{first} – {last}</translation>
    </message>
    <message>
        <source>{period}, a bar a week</source>
        <translation>{period}, ein Balken pro Woche</translation>
    </message>
    <message>
        <source>No bookings in this period</source>
        <translation>Keine Buchungen in diesem Zeitraum</translation>
    </message>
    <message>
        <source>Bookings per day, by status</source>
        <translation>Buchungen pro Tag, nach Status</translation>
    </message>
    <message>
        <source>Bookings per week, by status</source>
        <translation>Buchungen pro Woche, nach Status</translation>
    </message>
    <message>
        <source>Utilisation by weekday and hour</source>
        <translation>Auslastung nach Wochentag und Stunde</translation>
    </message>
    <message>
        <source>hour of the day (local time)</source>
        <translation>Stunde des Tages (Ortszeit)</translation>
    </message>
    <message>
        <source>Bookings by status</source>
        <translation>Buchungen nach Status</translation>
    </message>
    <message>
        <source>Lead time (booking made → appointment)</source>
        <translation>Vorlaufzeit (Buchung → Termin)</translation>
    </message>
    <message>
        <source>{title}, median {hours} h</source>
        <translation>{title}, Median {hours} h</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>Buchungen</translation>
    </message>
</context>
<context>
    <name>ChosenColumns</name>
    <message>
        <source>Co&amp;lumns</source>
        <translation>Spa&amp;lten</translation>
    </message>
    <message>
        <source>&amp;Default columns</source>
        <translation>&amp;Standardspalten</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a shared database</source>
        <translation>Mit gemeinsamer Datenbank verbinden</translation>
    </message>
    <message>
        <source>Several desks share one database on a server. Ask whoever set up the server for these details.</source>
        <translation>Mehrere Arbeitsplätze teilen sich eine Datenbank auf einem Server. Die Angaben erhalten Sie von der Person, die den Server eingerichtet hat.</translation>
    </message>
    <message>
        <source>e.g. office-server or 192.168.1.20</source>
        <translation>z. B. buero-server oder 192.168.1.20</translation>
    </message>
    <message>
        <source>e.g. bookings</source>
        <translation>z. B. buchungen</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>P&amp;ort</source>
        <translation>P&amp;ort</translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation>&amp;Datenbank</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Benutzer</translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation>Pass&amp;wort</translation>
    </message>
    <message>
        <source>This computer has no system keyring, so the password cannot be remembered safely: the app will ask for it each time it starts. It is never written to a file.</source>
        <translation>Dieser Computer hat keinen Schlüsselbund des Systems; das Passwort kann daher nicht sicher gespeichert werden und wird bei jedem Start abgefragt. Es wird nie in eine Datei geschrieben.</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>the server</source>
        <translation>den Server</translation>
    </message>
    <message>
        <source>the database</source>
        <translation>die Datenbank</translation>
    </message>
    <message>
        <source>the user</source>
        <translation>den Benutzer</translation>
    </message>
    <message>
        <source>Fill in {what}.</source>
        <translation>Bitte {what} angeben.</translation>
    </message>
    <message>
        <source>Testing the connection to {host}…</source>
        <translation>Verbindung zu {host} wird getestet…</translation>
    </message>
    <message>
        <source>Set &amp;up and connect</source>
        <translation>&amp;Einrichten und verbinden</translation>
    </message>
    <message>
        <source>The server answers, but this database is empty: it is not a Booking Desktop database yet. &quot;Set up and connect&quot; makes it one; you then set up the business and its owner account.</source>
        <translation>Der Server antwortet, aber diese Datenbank ist leer: Sie ist noch keine Booking-Desktop-Datenbank. „Einrichten und verbinden“ richtet sie ein; danach legen Sie den Betrieb und das Inhaberkonto an.</translation>
    </message>
    <message>
        <source>no business yet</source>
        <translation>noch kein Betrieb</translation>
    </message>
    <message>
        <source>Connection works: a Booking Desktop database ({names}).</source>
        <translation>Verbindung klappt: eine Booking-Desktop-Datenbank ({names}).</translation>
    </message>
    <message>
        <source>It is from an older version and will be upgraded when you connect.</source>
        <translation>Sie stammt von einer älteren Version und wird beim Verbinden aktualisiert.</translation>
    </message>
    <message>
        <source>You will sign in with your account there.</source>
        <translation>Sie melden sich dort mit Ihrem Konto an.</translation>
    </message>
</context>
<context>
    <name>CustomerCard</name>
    <message>
        <source>Merge customers</source>
        <translation>Kunden zusammenführen</translation>
    </message>
    <message>
        <source>Merge {other} into {keep}?</source>
        <translation>{other} mit {keep} zusammenführen?</translation>
    </message>
    <message>
        <source>{other}&apos;s bookings ({count}) move to {keep}&apos;s record, {other}&apos;s notes are added to {keep}&apos;s, and {other}&apos;s record is removed. Edit → Undo (Ctrl+Z) takes the merge back.</source>
        <translation>Die Buchungen von {other} ({count}) kommen zum Eintrag von {keep}, die Notizen von {other} werden an die von {keep} angehängt, und der Eintrag von {other} wird entfernt. Bearbeiten → Rückgängig (Strg+Z) nimmt das Zusammenführen zurück.</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Zusammenführen</translation>
    </message>
    <message>
        <source>Close the card</source>
        <translation>Karte schließen</translation>
    </message>
    <message>
        <source>The changes to {name}&apos;s details are not saved. Close anyway?</source>
        <translation>Die Änderungen an den Angaben von {name} sind nicht gespeichert. Trotzdem schließen?</translation>
    </message>
    <message>
        <source>Export the customer&apos;s data</source>
        <translation>Kundendaten exportieren</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Erase the customer&apos;s data</source>
        <translation>Kundendaten löschen</translation>
    </message>
    <message>
        <source>Erase {name}&apos;s data?</source>
        <translation>Die Daten von {name} löschen?</translation>
    </message>
    <message>
        <source>Their name, phone, email and notes are removed from their record and from their bookings ({count}); from now on they are called &quot;{erased}&quot;. The bookings keep their dates and statuses, so reports do not change. This cannot be undone.</source>
        <translation>Name, Telefon, E-Mail und Notizen werden aus dem Kundeneintrag und aus den Buchungen ({count}) entfernt; der Eintrag heißt dann „{erased}“. Die Buchungen behalten Datum und Status, die Auswertungen ändern sich also nicht. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Besuche</translation>
    </message>
    <message>
        <source>No-shows</source>
        <translation>Nicht erschienen</translation>
    </message>
    <message>
        <source>Cancellations</source>
        <translation>Stornierungen</translation>
    </message>
    <message>
        <source>First visit</source>
        <translation>Erster Besuch</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Letzter Besuch</translation>
    </message>
    <message>
        <source>Next booking</source>
        <translation>Nächste Buchung</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>What the desk should know next time</source>
        <translation>Was der Empfang beim nächsten Mal wissen sollte</translation>
    </message>
    <message>
        <source>Agreed to be &amp;contacted</source>
        <translation>Mit &amp;Kontaktaufnahme einverstanden</translation>
    </message>
    <message>
        <source>Reminders and news may be sent to them</source>
        <translation>Erinnerungen und Neuigkeiten dürfen geschickt werden</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation>&amp;Telefon</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>E-&amp;Mail</translation>
    </message>
    <message>
        <source>N&amp;otes</source>
        <translation>N&amp;otizen</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Uhrzeit</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Booked via</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Buchungsnr.</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Bookings of this customer</source>
        <translation>Buchungen dieses Kunden</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>&amp;Merge with…</source>
        <translation>&amp;Zusammenführen mit…</translation>
    </message>
    <message>
        <source>Another record of the same person: its bookings move to this one</source>
        <translation>Ein anderer Eintrag derselben Person: seine Buchungen kommen zu diesem</translation>
    </message>
    <message>
        <source>E&amp;xport data…</source>
        <translation>&amp;Daten exportieren…</translation>
    </message>
    <message>
        <source>Everything stored about this customer, as a JSON file and CSV files</source>
        <translation>Alles, was über diesen Kunden gespeichert ist, als JSON-Datei und CSV-Dateien</translation>
    </message>
    <message>
        <source>E&amp;rase…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>Remove this customer&apos;s name, contacts and notes for good; their bookings stay, unnamed</source>
        <translation>Name, Kontaktdaten und Notizen dieses Kunden endgültig entfernen; die Buchungen bleiben, ohne Namen</translation>
    </message>
    <message>
        <source>Save the details (Ctrl+S)</source>
        <translation>Angaben speichern (Strg+S)</translation>
    </message>
    <message>
        <source>Customer — {name}</source>
        <translation>Kunde — {name}</translation>
    </message>
    <message>
        <source>Customer since {day}</source>
        <translation>Kunde seit {day}</translation>
    </message>
    <message>
        <source>Bookings: the newest {shown} of {total}</source>
        <translation>Buchungen: die neuesten {shown} von {total}</translation>
    </message>
    <message>
        <source>No bookings yet</source>
        <translation>Noch keine Buchungen</translation>
    </message>
    <message>
        <source>Nothing to save.</source>
        <translation>Nichts zu speichern.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Merging…</source>
        <translation>Wird zusammengeführt…</translation>
    </message>
    <message>
        <source>Merged {other} into this record.</source>
        <translation>{other} wurde mit diesem Eintrag zusammengeführt.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Export läuft…</translation>
    </message>
    <message>
        <source>Exported to {file} and {count} CSV files beside it, in {folder}.</source>
        <translation>Exportiert nach {file} und {count} CSV-Dateien daneben, im Ordner {folder}.</translation>
    </message>
    <message>
        <source>Erasing…</source>
        <translation>Wird gelöscht…</translation>
    </message>
    <message>
        <source>Erased: the name, contacts and notes are gone from the record and from {bookings}.</source>
        <translation>Gelöscht: Name, Kontaktdaten und Notizen sind aus dem Eintrag und aus {bookings} entfernt.</translation>
    </message>
</context>
<context>
    <name>CustomerDataDialog</name>
    <message>
        <source>Erase customers</source>
        <translation>Kunden löschen</translation>
    </message>
    <message>
        <source>They have had no booking for {months} months. Their names, phones, emails and notes are removed from their records and bookings; the bookings keep their dates and statuses. This cannot be undone.</source>
        <translation>Sie hatten seit {months} Monaten keine Buchung. Namen, Telefonnummern, E-Mail-Adressen und Notizen werden aus ihren Einträgen und Buchungen entfernt; die Buchungen behalten Datum und Status. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Customer data</source>
        <translation>Kundendaten</translation>
    </message>
    <message>
        <source>Customers who have not booked for a long time can be erased automatically when &quot;python main.py maintain&quot; runs: their names and contacts go, their bookings stay unnamed so the reports do not change. Off by default.</source>
        <translation>Kunden, die lange nicht gebucht haben, können automatisch gelöscht werden, wenn „python main.py maintain“ läuft: Namen und Kontaktdaten werden entfernt, die Buchungen bleiben ohne Namen erhalten, die Auswertungen ändern sich also nicht. Standardmäßig aus.</translation>
    </message>
    <message>
        <source>E&amp;rase customers with no booking for</source>
        <translation>Kunden &amp;löschen, die keine Buchung haben seit</translation>
    </message>
    <message>
        <source>Months without a booking</source>
        <translation>Monate ohne Buchung</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>What maintain would erase now (changes nothing)</source>
        <translation>Was die Wartung jetzt löschen würde (ändert nichts)</translation>
    </message>
    <message>
        <source>Erase &amp;now…</source>
        <translation>&amp;Jetzt löschen…</translation>
    </message>
    <message numerus="yes">
        <source> month(s)</source>
        <translation>
            <numerusform> Monat</numerusform>
            <numerusform> Monaten</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved: customers are kept until erased by hand.</source>
        <translation>Gespeichert: Kunden bleiben, bis sie von Hand gelöscht werden.</translation>
    </message>
    <message>
        <source>Maintain erases no one while this is off.</source>
        <translation>Solange dies aus ist, löscht die Wartung niemanden.</translation>
    </message>
    <message>
        <source>Saved: customers are erased {months} months after their latest booking.</source>
        <translation>Gespeichert: Kunden werden {months} Monate nach ihrer letzten Buchung gelöscht.</translation>
    </message>
    <message numerus="yes">
        <source>Maintain would erase %n customer(s) now.</source>
        <translation>
            <numerusform>Die Wartung würde jetzt %n Kunden löschen.</numerusform>
            <numerusform>Die Wartung würde jetzt %n Kunden löschen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Customer #{id}, last visit {day}</source>
        <translation>Kunde #{id}, letzter Besuch {day}</translation>
    </message>
    <message>
        <source>Customer #{id}, never visited</source>
        <translation>Kunde #{id}, nie da gewesen</translation>
    </message>
    <message>
        <source>and {more} more</source>
        <translation>und {more} weitere</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
    <message numerus="yes">
        <source>Erased %n customer(s).</source>
        <translation>
            <numerusform>%n Kunde gelöscht.</numerusform>
            <numerusform>%n Kunden gelöscht.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CustomerFigures</name>
    <message>
        <source>New customers</source>
        <translation>Neukunden</translation>
    </message>
    <message>
        <source>Customers whose first booking that was not cancelled falls in this period</source>
        <translation>Kunden, deren erste nicht stornierte Buchung in diesen Zeitraum fällt</translation>
    </message>
    <message>
        <source>Returning customers</source>
        <translation>Wiederkehrende Kunden</translation>
    </message>
    <message>
        <source>Customers of this period who had a booking that was not cancelled before it</source>
        <translation>Kunden dieses Zeitraums, die schon davor eine nicht stornierte Buchung hatten</translation>
    </message>
    <message>
        <source>Bookings by returning customers</source>
        <translation>Buchungen wiederkehrender Kunden</translation>
    </message>
    <message>
        <source>Of this period&apos;s bookings that were not cancelled, the share made by returning customers</source>
        <translation>Anteil wiederkehrender Kunden an den nicht stornierten Buchungen dieses Zeitraums</translation>
    </message>
    <message>
        <source>Most no-shows:</source>
        <translation>Am häufigsten nicht erschienen:</translation>
    </message>
    <message numerus="yes">
        <source>{n} of {d} booking(s) not cancelled</source>
        <translation>
            <numerusform>{n} von {d} nicht stornierten Buchung</numerusform>
            <numerusform>{n} von {d} nicht stornierten Buchungen</numerusform>
        </translation>
    </message>
    <message>
        <source>{name} ({n})</source>
        <translation>{name} ({n})</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n no-show(s) (customer {id})</source>
        <translation>
            <numerusform>{name}: %n-mal nicht erschienen (Kundennr. {id})</numerusform>
            <numerusform>{name}: %n-mal nicht erschienen (Kundennr. {id})</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CustomerPicker</name>
    <message>
        <source>Merge with…</source>
        <translation>Zusammenführen mit…</translation>
    </message>
    <message>
        <source>Find the other record of {name}: its bookings move to this one.</source>
        <translation>Den anderen Eintrag von {name} suchen: seine Buchungen kommen zu diesem.</translation>
    </message>
    <message>
        <source>Name, phone or email</source>
        <translation>Name, Telefon oder E-Mail</translation>
    </message>
    <message>
        <source>Find a customer</source>
        <translation>Kunden suchen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Besuche</translation>
    </message>
    <message>
        <source>Customers found</source>
        <translation>Gefundene Kunden</translation>
    </message>
    <message>
        <source>Merge…</source>
        <translation>Zusammenführen…</translation>
    </message>
    <message>
        <source>No other customer found.</source>
        <translation>Kein anderer Kunde gefunden.</translation>
    </message>
</context>
<context>
    <name>CustomerWords</name>
    <message numerus="yes">
        <source>%n visit(s)</source>
        <translation>
            <numerusform>%n Besuch</numerusform>
            <numerusform>%n Besuche</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n no-show(s)</source>
        <translation>
            <numerusform>%n-mal nicht erschienen</numerusform>
            <numerusform>%n-mal nicht erschienen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cancellation(s)</source>
        <translation>
            <numerusform>%n Stornierung</numerusform>
            <numerusform>%n Stornierungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s)</source>
        <translation>
            <numerusform>%n Buchung</numerusform>
            <numerusform>%n Buchungen</numerusform>
        </translation>
    </message>
    <message>
        <source>last {day}</source>
        <translation>zuletzt {day}</translation>
    </message>
    <message>
        <source>No visits yet</source>
        <translation>Noch keine Besuche</translation>
    </message>
</context>
<context>
    <name>DayCellDelegate</name>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
</context>
<context>
    <name>DayScheduleModel</name>
    <message>
        <source>Time</source>
        <translation>Uhrzeit</translation>
    </message>
    <message>
        <source>Places</source>
        <translation>Plätze</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>{state}, full</source>
        <translation>{state}, voll</translation>
    </message>
    <message>
        <source>Blocked: {reason}</source>
        <translation>Gesperrt: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>{time} · {booked} of %n place(s) booked · {state}</source>
        <translation>
            <numerusform>{time} · {booked} von %n Platz gebucht · {state}</numerusform>
            <numerusform>{time} · {booked} von %n Plätzen gebucht · {state}</numerusform>
        </translation>
    </message>
    <message>
        <source>{reason}; bookings already made stay.</source>
        <translation>{reason}; bestehende Buchungen bleiben.</translation>
    </message>
    <message>
        <source>Cancelled: {reason}</source>
        <translation>Storniert: {reason}</translation>
    </message>
    <message>
        <source>Cancelled (no reason given)</source>
        <translation>Storniert (ohne Grund)</translation>
    </message>
</context>
<context>
    <name>DaySheet</name>
    <message>
        <source>{places} (blocked)</source>
        <translation>{places} (gesperrt)</translation>
    </message>
    <message>
        <source>No slots on this day.</source>
        <translation>Keine Zeitfenster an diesem Tag.</translation>
    </message>
    <message>
        <source>Time / ref.</source>
        <translation>Uhrzeit / Nr.</translation>
    </message>
    <message>
        <source>Places / customer</source>
        <translation>Plätze / Kunde</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Save day sheet</source>
        <translation>Tagesliste speichern</translation>
    </message>
    <message>
        <source>day-sheet-{day}.pdf</source>
        <translation>tagesliste-{day}.pdf</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
        <source>Day sheet</source>
        <translation>Tagesliste</translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <source>Merge customers</source>
        <translation>Kunden zusammenführen</translation>
    </message>
    <message>
        <source>Merge {others} into {keep}?</source>
        <translation>{others} mit {keep} zusammenführen?</translation>
    </message>
    <message>
        <source>Their bookings ({count}) move to {keep}&apos;s record, their notes are added to {keep}&apos;s, and their records are removed. Edit → Undo (Ctrl+Z) takes the merge back.</source>
        <translation>Ihre Buchungen ({count}) kommen zum Eintrag von {keep}, ihre Notizen werden an die von {keep} angehängt, und ihre Einträge werden entfernt. Bearbeiten → Rückgängig (Strg+Z) nimmt das Zusammenführen zurück.</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Zusammenführen</translation>
    </message>
    <message>
        <source>Likely duplicates</source>
        <translation>Mögliche Doppelte</translation>
    </message>
    <message>
        <source>Customer records that share a phone number or an email: likely one person. Select the record to keep and press Merge; the others&apos; bookings move to it.</source>
        <translation>Kundeneinträge mit derselben Telefonnummer oder E-Mail: wahrscheinlich eine Person. Den Eintrag wählen, der bleiben soll, und Zusammenführen drücken; die Buchungen der anderen kommen zu ihm.</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>Customer since</source>
        <translation>Kunde seit</translation>
    </message>
    <message>
        <source>&amp;Merge into selected…</source>
        <translation>Mit Ausgewähltem &amp;zusammenführen…</translation>
    </message>
    <message>
        <source>Keep the selected record; the group&apos;s others are merged into it</source>
        <translation>Der ausgewählte Eintrag bleibt; die anderen der Gruppe werden mit ihm zusammengeführt</translation>
    </message>
    <message>
        <source>Open &amp;card</source>
        <translation>&amp;Karte öffnen</translation>
    </message>
    <message>
        <source>The selected customer&apos;s card (Enter)</source>
        <translation>Die Karte des ausgewählten Kunden (Eingabe)</translation>
    </message>
    <message>
        <source>Same email: {key}</source>
        <translation>Gleiche E-Mail: {key}</translation>
    </message>
    <message>
        <source>Same phone: {key}</source>
        <translation>Gleiche Telefonnummer: {key}</translation>
    </message>
    <message>
        <source>No likely duplicates: no two records share a phone number or an email.</source>
        <translation>Keine möglichen Doppelten: keine zwei Einträge haben dieselbe Telefonnummer oder E-Mail.</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n Gruppe</numerusform>
            <numerusform>%n Gruppen</numerusform>
        </translation>
    </message>
    <message>
        <source>Merged {others} into {keep}.</source>
        <translation>{others} mit {keep} zusammengeführt.</translation>
    </message>
</context>
<context>
    <name>EditDetailsDialog</name>
    <message>
        <source>Edit details — {ref}</source>
        <translation>Details bearbeiten — {ref}</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>E-&amp;Mail</translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation>&amp;Telefon</translation>
    </message>
    <message>
        <source>N&amp;otes</source>
        <translation>N&amp;otizen</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>CSV (spreadsheet, text)</source>
        <translation>CSV (Tabelle, Text)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Excel workbook</source>
        <translation>Excel-Arbeitsmappe</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel-Arbeitsmappen (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation>PDF-Bericht</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
        <source>iCalendar (calendar apps)</source>
        <translation>iCalendar (Kalender-Apps)</translation>
    </message>
    <message>
        <source>iCalendar files (*.ics)</source>
        <translation>iCalendar-Dateien (*.ics)</translation>
    </message>
    <message>
        <source>Export bookings</source>
        <translation>Buchungen exportieren</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Add a byte-order mark (Excel reads accents right)</source>
        <translation>Byte-Order-Mark einfügen (damit Excel Umlaute richtig liest)</translation>
    </message>
    <message>
        <source>Times in UTC instead of the business&apos;s time zone</source>
        <translation>Zeiten in UTC statt in der Zeitzone des Betriebs</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>&amp;Save as:</source>
        <translation>&amp;Speichern unter:</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>Choose where to save the file.</source>
        <translation>Bitte wählen, wo die Datei gespeichert wird.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Export läuft…</translation>
    </message>
    <message>
        <source>&amp;Export PDF anyway</source>
        <translation>PDF trotzdem &amp;exportieren</translation>
    </message>
    <message>
        <source>This PDF would have about {pages} of bookings. A CSV or Excel file suits that many better: choose it under Format, or press Export PDF anyway.</source>
        <translation>Dieses PDF hätte etwa {pages} mit Buchungen. Für so viele eignet sich eine CSV- oder Excel-Datei besser: unter „Format“ wählen, oder „PDF trotzdem exportieren“ drücken.</translation>
    </message>
    <message numerus="yes">
        <source>{count} page(s)</source>
        <translation>
            <numerusform>{count} Seite</numerusform>
            <numerusform>{count} Seiten</numerusform>
        </translation>
    </message>
    <message>
        <source>Drawing page {done} of {total}…</source>
        <translation>Seite {done} von {total} wird erstellt…</translation>
    </message>
    <message numerus="yes">
        <source>Exporting… {done} of {total} booking(s)</source>
        <translation>
            <numerusform>Export läuft… {done} von {total} Buchung</numerusform>
            <numerusform>Export läuft… {done} von {total} Buchungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported {n} booking(s) to {path}</source>
        <translation>
            <numerusform>{n} Buchung exportiert nach {path}</numerusform>
            <numerusform>{n} Buchungen exportiert nach {path}</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>Export abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Mon–Fri 09:00–17:00</source>
        <translation>Mo–Fr 09:00–17:00</translation>
    </message>
    <message>
        <source>Mon–Fri 09:00–17:00, lunch 12:00–13:00</source>
        <translation>Mo–Fr 09:00–17:00, Mittagspause 12:00–13:00</translation>
    </message>
    <message>
        <source>Mon–Fri 08:00–18:00</source>
        <translation>Mo–Fr 08:00–18:00</translation>
    </message>
    <message>
        <source>Every day 10:00–18:00</source>
        <translation>Täglich 10:00–18:00</translation>
    </message>
    <message>
        <source>Sat–Sun 10:00–16:00</source>
        <translation>Sa–So 10:00–16:00</translation>
    </message>
    <message>
        <source>Mon–Fri 09:00–17:00, Sat 09:00–13:00</source>
        <translation>Mo–Fr 09:00–17:00, Sa 09:00–13:00</translation>
    </message>
    <message>
        <source>Welcome to Booking Desktop</source>
        <translation>Willkommen bei Booking Desktop</translation>
    </message>
    <message>
        <source>&lt;b&gt;Set up a new business&lt;/b&gt; below. Everything can be changed later.</source>
        <translation>Richten Sie unten &lt;b&gt;einen neuen Betrieb&lt;/b&gt; ein. Alles lässt sich später ändern.</translation>
    </message>
    <message>
        <source>&amp;Join a business on a server…</source>
        <translation>Betrieb auf einem Server &amp;beitreten…</translation>
    </message>
    <message>
        <source>Another desk already works on a shared database: connect this computer to it.</source>
        <translation>Ein anderer Arbeitsplatz arbeitet schon mit einer gemeinsamen Datenbank: diesen Computer damit verbinden.</translation>
    </message>
    <message>
        <source>e.g. Salon Anna</source>
        <translation>z. B. Salon Anna</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>Business &amp;name</source>
        <translation>&amp;Name des Betriebs</translation>
    </message>
    <message>
        <source>&amp;Time zone</source>
        <translation>&amp;Zeitzone</translation>
    </message>
    <message>
        <source>Opening &amp;hours</source>
        <translation>Ö&amp;ffnungszeiten</translation>
    </message>
    <message>
        <source>Slot &amp;length</source>
        <translation>&amp;Länge eines Zeitfensters</translation>
    </message>
    <message>
        <source>&amp;Places per slot</source>
        <translation>&amp;Plätze pro Zeitfenster</translation>
    </message>
    <message>
        <source>&lt;b&gt;Owner account&lt;/b&gt;</source>
        <translation>&lt;b&gt;Inhaberkonto&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&amp;Username</source>
        <translation>&amp;Benutzername</translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation>Pass&amp;wort</translation>
    </message>
    <message>
        <source>&amp;Repeat password</source>
        <translation>Passwort &amp;wiederholen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>Die beiden Passwörter stimmen nicht überein.</translation>
    </message>
</context>
<context>
    <name>FrontDeskView</name>
    <message>
        <source>Show cancelled</source>
        <translation>Stornierte zeigen</translation>
    </message>
    <message>
        <source>List cancelled bookings, struck through, with the reason on hover</source>
        <translation>Stornierte Buchungen durchgestrichen anzeigen, den Grund beim Überfahren mit der Maus</translation>
    </message>
    <message>
        <source>Slots and bookings of the day</source>
        <translation>Zeitfenster und Buchungen des Tages</translation>
    </message>
    <message>
        <source>Generate slots…</source>
        <translation>Zeitfenster erzeugen…</translation>
    </message>
    <message>
        <source>Check &amp;in</source>
        <translation>&amp;Einchecken</translation>
    </message>
    <message>
        <source>Mark &amp;completed</source>
        <translation>Als &amp;abgeschlossen markieren</translation>
    </message>
    <message>
        <source>Mark &amp;no-show</source>
        <translation>Als &amp;nicht erschienen markieren</translation>
    </message>
    <message>
        <source>Con&amp;firm</source>
        <translation>&amp;Bestätigen</translation>
    </message>
    <message>
        <source>C&amp;ancel booking…</source>
        <translation>Buchung &amp;stornieren…</translation>
    </message>
    <message>
        <source>&amp;Reschedule…</source>
        <translation>&amp;Verschieben…</translation>
    </message>
    <message>
        <source>&amp;Edit details…</source>
        <translation>&amp;Details bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Block slot…</source>
        <translation>Zeitfenster s&amp;perren…</translation>
    </message>
    <message>
        <source>&amp;Unblock slot</source>
        <translation>Zeitfenster &amp;freigeben</translation>
    </message>
    <message>
        <source>C&amp;ustomer card…</source>
        <translation>&amp;Kundenkarte…</translation>
    </message>
    <message>
        <source>Now {time}</source>
        <translation>Jetzt {time}</translation>
    </message>
    <message>
        <source>No business yet</source>
        <translation>Noch kein Betrieb</translation>
    </message>
    <message>
        <source>Nothing can be booked on this day.</source>
        <translation>An diesem Tag kann nichts gebucht werden.</translation>
    </message>
    <message>
        <source>No slots on this day — generate slots for it.</source>
        <translation>Keine Zeitfenster an diesem Tag — Zeitfenster dafür erzeugen.</translation>
    </message>
    <message>
        <source>No slots on this day. Ask an owner to generate slots.</source>
        <translation>Keine Zeitfenster an diesem Tag. Bitten Sie einen Inhaber, welche zu erzeugen.</translation>
    </message>
    <message>
        <source>{status}. {hint}</source>
        <translation>{status}. {hint}</translation>
    </message>
    <message>
        <source>{day} · today</source>
        <translation>{day} · heute</translation>
    </message>
    <message>
        <source>{day} · tomorrow</source>
        <translation>{day} · morgen</translation>
    </message>
    <message numerus="yes">
        <source>Generated %n slot(s).</source>
        <translation>
            <numerusform>%n Zeitfenster erzeugt.</numerusform>
            <numerusform>%n Zeitfenster erzeugt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing is free today any more. Next free: {at}.</source>
        <translation>Heute ist nichts mehr frei. Nächste freie Zeit: {at}.</translation>
    </message>
    <message>
        <source>{name} checked in.</source>
        <translation>{name} eingecheckt.</translation>
    </message>
    <message>
        <source>Cancel {ref} for {name}?</source>
        <translation>Buchung {ref} von {name} stornieren?</translation>
    </message>
    <message>
        <source>Cancelled {ref}. Ctrl+Z undoes it.</source>
        <translation>{ref} storniert. Strg+Z macht es rückgängig.</translation>
    </message>
    <message>
        <source>Moved {ref} to {when}.</source>
        <translation>{ref} verschoben auf {when}.</translation>
    </message>
    <message>
        <source>Saved the details of {ref}.</source>
        <translation>Details von {ref} gespeichert.</translation>
    </message>
    <message>
        <source>Why is {when} blocked?</source>
        <translation>Warum wird {when} gesperrt?</translation>
    </message>
    <message>
        <source>Blocked {when}.</source>
        <translation>{when} gesperrt.</translation>
    </message>
    <message>
        <source>Unblocked {when}.</source>
        <translation>{when} freigegeben.</translation>
    </message>
</context>
<context>
    <name>GenerateSlotsDialog</name>
    <message>
        <source>Slots</source>
        <translation>Zeitfenster</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Block a range</source>
        <translation>Zeitraum sperren</translation>
    </message>
    <message>
        <source>Clean up</source>
        <translation>Aufräumen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt…</translation>
    </message>
    <message>
        <source>Next 4 weeks</source>
        <translation>Nächste 4 Wochen</translation>
    </message>
    <message>
        <source>Next month</source>
        <translation>Nächster Monat</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Slot length</source>
        <translation>Länge eines Zeitfensters</translation>
    </message>
    <message>
        <source>Places per slot</source>
        <translation>Plätze pro Zeitfenster</translation>
    </message>
    <message>
        <source>Break between slots</source>
        <translation>Pause zwischen Zeitfenstern</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>New slots</source>
        <translation>Neue Zeitfenster</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Preview (nothing is written until you click Generate):</source>
        <translation>Vorschau (gespeichert wird erst mit „Erzeugen“):</translation>
    </message>
    <message numerus="yes">
        <source>{slots} on %n day(s).</source>
        <translation>
            <numerusform>{slots} an %n Tag.</numerusform>
            <numerusform>{slots} an %n Tagen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new slot(s)</source>
        <translation>
            <numerusform>%n neues Zeitfenster</numerusform>
            <numerusform>%n neue Zeitfenster</numerusform>
        </translation>
    </message>
    <message>
        <source>No new slots.</source>
        <translation>Keine neuen Zeitfenster.</translation>
    </message>
    <message numerus="yes">
        <source>%n planned slot(s) are already covered by existing slots, left as they are.</source>
        <translation>
            <numerusform>%n geplantes Zeitfenster ist schon durch ein bestehendes abgedeckt und bleibt, wie es ist.</numerusform>
            <numerusform>%n geplante Zeitfenster sind schon durch bestehende abgedeckt und bleiben, wie sie sind.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n would start in the past and are not made.</source>
        <translation>
            <numerusform>%n würde in der Vergangenheit beginnen und wird nicht erzeugt.</numerusform>
            <numerusform>%n würden in der Vergangenheit beginnen und werden nicht erzeugt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Done: {created}, {skipped} skipped (time already covered), {past} in the past not made.</source>
        <translation>Fertig: {created}, {skipped} übersprungen (Zeit schon abgedeckt), {past} in der Vergangenheit nicht erzeugt.</translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) created</source>
        <translation>
            <numerusform>%n Zeitfenster erzeugt</numerusform>
            <numerusform>%n Zeitfenster erzeugt</numerusform>
        </translation>
    </message>
    <message>
        <source>e.g. staff meeting</source>
        <translation>z. B. Teambesprechung</translation>
    </message>
    <message>
        <source>Block these slots</source>
        <translation>Diese Zeitfenster sperren</translation>
    </message>
    <message>
        <source>Unblock</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>Slots that overlap this time take no new bookings; bookings already made stay.</source>
        <translation>Zeitfenster in dieser Zeit nehmen keine neuen Buchungen an; bestehende Buchungen bleiben.</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) blocked.</source>
        <translation>
            <numerusform>%n Zeitfenster gesperrt.</numerusform>
            <numerusform>%n Zeitfenster gesperrt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n slot(s) unblocked.</source>
        <translation>
            <numerusform>%n Zeitfenster freigegeben.</numerusform>
            <numerusform>%n Zeitfenster freigegeben.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n past slot(s) removed.</source>
        <translation>
            <numerusform>%n vergangenes Zeitfenster entfernt.</numerusform>
            <numerusform>%n vergangene Zeitfenster entfernt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>In Arbeit…</translation>
    </message>
    <message>
        <source>Remove past unbooked slots</source>
        <translation>Vergangene Zeitfenster ohne Buchung entfernen</translation>
    </message>
    <message>
        <source>Removes slots that have ended and never held a booking. Slots with bookings (of any status) stay for the history.</source>
        <translation>Entfernt Zeitfenster, die vorbei sind und nie eine Buchung hatten. Zeitfenster mit Buchungen (jeden Status) bleiben für die Historie.</translation>
    </message>
    <message>
        <source>Removing…</source>
        <translation>Wird entfernt…</translation>
    </message>
</context>
<context>
    <name>HealthDialog</name>
    <message>
        <source>Health</source>
        <translation>Systemzustand</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Back up now…</source>
        <translation>Jetzt sichern…</translation>
    </message>
    <message>
        <source>Last backup</source>
        <translation>Letzte Sicherung</translation>
    </message>
    <message>
        <source>Not checked yet. The check reads the whole database: a few seconds when it is large.</source>
        <translation>Noch nicht geprüft. Die Prüfung liest die ganze Datenbank: bei einer großen einige Sekunden.</translation>
    </message>
    <message>
        <source>Check now</source>
        <translation>Jetzt prüfen</translation>
    </message>
    <message>
        <source>Integrity</source>
        <translation>Integrität</translation>
    </message>
    <message>
        <source>Refused bookings, last 7 days</source>
        <translation>Abgelehnte Buchungen, letzte 7 Tage</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>Betrieb</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>Voll</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Doppelt</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>Bookings and moves the rules refused, by reason: full, started, the customer already booked in the slot, outside the opening hours, blocked</source>
        <translation>Buchungen und Verschiebungen, die die Regeln abgelehnt haben, nach Grund: voll, begonnen, Kunde schon im Zeitfenster gebucht, außerhalb der Öffnungszeiten, gesperrt</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Vorgang</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Slow operations (over {ms} ms)</source>
        <translation>Langsame Vorgänge (über {ms} ms)</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Errors in the log</source>
        <translation>Fehler im Protokoll</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
    <message>
        <source>The Health window in the user guide (F1)</source>
        <translation>Das Fenster „Systemzustand“ im Benutzerhandbuch (F1)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Read everything again (F5)</source>
        <translation>Alles neu lesen (F5)</translation>
    </message>
    <message>
        <source>Out of reach: {why}</source>
        <translation>Nicht erreichbar: {why}</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Out of reach — the desk reconnects by itself</source>
        <translation>Nicht erreichbar — der Arbeitsplatz verbindet sich von selbst neu</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Connected · answers in under 1 ms</source>
        <translation>Verbunden · antwortet in unter 1 ms</translation>
    </message>
    <message>
        <source>Connected · answers in {ms} ms</source>
        <translation>Verbunden · antwortet in {ms} ms</translation>
    </message>
    <message>
        <source>No backup has been made of this database.</source>
        <translation>Von dieser Datenbank gibt es noch keine Sicherung.</translation>
    </message>
    <message>
        <source>Make one now, and keep it on another disk or computer.</source>
        <translation>Jetzt eine anlegen und auf einem anderen Datenträger oder Computer aufbewahren.</translation>
    </message>
    <message>
        <source>the command line</source>
        <translation>der Kommandozeile</translation>
    </message>
    <message>
        <source>{when} ({age}), by {who}</source>
        <translation>{when} ({age}), von {who}</translation>
    </message>
    <message>
        <source>File: {file}</source>
        <translation>Datei: {file}</translation>
    </message>
    <message>
        <source>It is more than a week old: make a new backup.</source>
        <translation>Sie ist älter als eine Woche: bitte neu sichern.</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>vor %n Stunde</numerusform>
            <numerusform>vor %n Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>vor %n Tag</numerusform>
            <numerusform>vor %n Tagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Refused bookings, last 7 days (since {day})</source>
        <translation>Abgelehnte Buchungen, letzte 7 Tage (seit {day})</translation>
    </message>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} ms</translation>
    </message>
    <message>
        <source>No log file yet at {path}.</source>
        <translation>Noch keine Protokolldatei unter {path}.</translation>
    </message>
    <message>
        <source>Log file: {path}</source>
        <translation>Protokolldatei: {path}</translation>
    </message>
    <message>
        <source>: none</source>
        <translation>: keine</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>No problems found (checked {when}).</source>
        <translation>Keine Probleme gefunden (geprüft {when}).</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) found (checked {when}):</source>
        <translation>
            <numerusform>%n Problem gefunden (geprüft {when}):</numerusform>
            <numerusform>%n Probleme gefunden (geprüft {when}):</numerusform>
        </translation>
    </message>
    <message>
        <source>… and {n} more (python main.py check lists them all)</source>
        <translation>… und {n} weitere (python main.py check listet alle auf)</translation>
    </message>
    <message>
        <source>The check could not run: {why}</source>
        <translation>Die Prüfung konnte nicht laufen: {why}</translation>
    </message>
    <message>
        <source>Back up the database</source>
        <translation>Datenbank sichern</translation>
    </message>
    <message>
        <source>Booking Desktop backups (*.json)</source>
        <translation>Booking-Desktop-Sicherungen (*.json)</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Wird gesichert…</translation>
    </message>
    <message numerus="yes">
        <source>Backed up {n} booking(s) to {path}.</source>
        <translation>
            <numerusform>{n} Buchung gesichert nach {path}.</numerusform>
            <numerusform>{n} Buchungen gesichert nach {path}.</numerusform>
        </translation>
    </message>
    <message>
        <source>The backup could not be written to {path}: {why}</source>
        <translation>Die Sicherung konnte nicht nach {path} geschrieben werden: {why}</translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <source>Booking Desktop — User guide</source>
        <translation>Booking Desktop — Benutzerhandbuch</translation>
    </message>
    <message>
        <source>Contents</source>
        <translation>Inhalt</translation>
    </message>
    <message>
        <source>Find in the guide (Ctrl+F, Enter for the next)</source>
        <translation>Im Handbuch suchen (Strg+F, Eingabe für den nächsten Treffer)</translation>
    </message>
    <message>
        <source>Find in the guide</source>
        <translation>Im Handbuch suchen</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>Voriger Treffer (Umschalt+Eingabe)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>Nächster Treffer (Eingabe)</translation>
    </message>
    <message>
        <source>User guide</source>
        <translation>Benutzerhandbuch</translation>
    </message>
    <message>
        <source>The guide {file} is missing from this installation.</source>
        <translation>Das Handbuch {file} fehlt in dieser Installation.</translation>
    </message>
    <message>
        <source>Found in another part of the guide</source>
        <translation>In einem anderen Teil des Handbuchs gefunden</translation>
    </message>
    <message>
        <source>From the end again</source>
        <translation>Wieder vom Ende</translation>
    </message>
    <message>
        <source>From the top again</source>
        <translation>Wieder vom Anfang</translation>
    </message>
    <message>
        <source>No match for “{text}”</source>
        <translation>Kein Treffer für „{text}“</translation>
    </message>
</context>
<context>
    <name>HoursGrid</name>
    <message>
        <source>Drag over closed time to open it; drag over open time to close it; click an interval to fine-tune it.</source>
        <translation>Über geschlossene Zeit ziehen öffnet sie, über offene Zeit ziehen schließt sie; ein Intervall anklicken, um es genau einzustellen.</translation>
    </message>
</context>
<context>
    <name>HoursView</name>
    <message>
        <source>Mon–Fri 9–17</source>
        <translation>Mo–Fr 9–17</translation>
    </message>
    <message>
        <source>Mon–Fri 9–12, 13–17 (lunch break)</source>
        <translation>Mo–Fr 9–12, 13–17 (Mittagspause)</translation>
    </message>
    <message>
        <source>Mon–Fri 8–18</source>
        <translation>Mo–Fr 8–18</translation>
    </message>
    <message>
        <source>Every day 10–18</source>
        <translation>Täglich 10–18</translation>
    </message>
    <message>
        <source>Sat–Sun 10–16</source>
        <translation>Sa–So 10–16</translation>
    </message>
    <message>
        <source>Mon–Fri 9–17, Sat 9–13</source>
        <translation>Mo–Fr 9–17, Sa 9–13</translation>
    </message>
    <message>
        <source>Unsaved hours</source>
        <translation>Ungespeicherte Öffnungszeiten</translation>
    </message>
    <message>
        <source>The business hours have unsaved changes.</source>
        <translation>Die Öffnungszeiten haben ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation>Weiter bearbeiten</translation>
    </message>
    <message>
        <source>Business hours</source>
        <translation>Öffnungszeiten</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Apply template</source>
        <translation>Vorlage anwenden</translation>
    </message>
    <message>
        <source>Clear week</source>
        <translation>Woche leeren</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Save hours</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Weekly opening hours</source>
        <translation>Wöchentliche Öffnungszeiten</translation>
    </message>
    <message>
        <source>Drag over closed time to open it, over open time to close it. Click an interval to set exact times.</source>
        <translation>Über geschlossene Zeit ziehen öffnet sie, über offene Zeit ziehen schließt sie. Ein Intervall anklicken, um genaue Zeiten einzustellen.</translation>
    </message>
    <message>
        <source>Selected interval</source>
        <translation>Gewähltes Intervall</translation>
    </message>
    <message>
        <source>Click an interval in the grid.</source>
        <translation>Ein Intervall im Raster anklicken.</translation>
    </message>
    <message>
        <source>Remove interval</source>
        <translation>Intervall entfernen</translation>
    </message>
    <message>
        <source>Opens</source>
        <translation>Öffnet</translation>
    </message>
    <message>
        <source>Closes</source>
        <translation>Schließt</translation>
    </message>
    <message>
        <source>Holidays and special days</source>
        <translation>Feiertage und Sondertage</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Zeiten</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Loading the hours…</source>
        <translation>Öffnungszeiten werden geladen…</translation>
    </message>
    <message numerus="yes">
        <source>Open %n day(s) a week</source>
        <translation>
            <numerusform>An %n Tag pro Woche geöffnet</numerusform>
            <numerusform>An %n Tagen pro Woche geöffnet</numerusform>
        </translation>
    </message>
    <message>
        <source>Unsaved changes · {state}</source>
        <translation>Ungespeicherte Änderungen · {state}</translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) cancelled.</source>
        <translation>
            <numerusform>%n Buchung storniert.</numerusform>
            <numerusform>%n Buchungen storniert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Template applied; Save to keep it.</source>
        <translation>Vorlage angewendet; zum Übernehmen speichern.</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>Nicht gespeichert.</translation>
    </message>
    <message>
        <source>Business hours saved.</source>
        <translation>Öffnungszeiten gespeichert.</translation>
    </message>
    <message>
        <source>Saving the hours…</source>
        <translation>Öffnungszeiten werden gespeichert…</translation>
    </message>
    <message>
        <source>Saved {day}.</source>
        <translation>{day} gespeichert.</translation>
    </message>
    <message>
        <source>Removed {day}.</source>
        <translation>{day} entfernt.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>{command} {what}</source>
        <translation>{command}: {what}</translation>
    </message>
    <message>
        <source>Front desk</source>
        <translation>Empfang</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>Kalender</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Öffnungszeiten</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Auswertungen</translation>
    </message>
    <message>
        <source>Views</source>
        <translation>Ansichten</translation>
    </message>
    <message>
        <source>{view} (Ctrl+{number})</source>
        <translation>{view} (Strg+{number})</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>Betrieb</translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation>Voriger Tag</translation>
    </message>
    <message>
        <source>Previous day (Alt+Left)</source>
        <translation>Voriger Tag (Alt+Links)</translation>
    </message>
    <message>
        <source>Next day</source>
        <translation>Nächster Tag</translation>
    </message>
    <message>
        <source>Next day (Alt+Right)</source>
        <translation>Nächster Tag (Alt+Rechts)</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Today (Ctrl+T)</source>
        <translation>Heute (Strg+T)</translation>
    </message>
    <message>
        <source>Find a booking: name, email, phone or reference (Ctrl+F)</source>
        <translation>Buchung suchen: Name, E-Mail, Telefon oder Buchungsnummer (Strg+F)</translation>
    </message>
    <message>
        <source>Find a booking</source>
        <translation>Buchung suchen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Print day sheet…</source>
        <translation>Tagesliste &amp;drucken…</translation>
    </message>
    <message>
        <source>Export day sheet as P&amp;DF…</source>
        <translation>Tagesliste als &amp;PDF speichern…</translation>
    </message>
    <message>
        <source>&amp;Connect to a shared database…</source>
        <translation>Mit gemeinsamer Datenbank &amp;verbinden…</translation>
    </message>
    <message>
        <source>Use this &amp;computer&apos;s database</source>
        <translation>Datenbank dieses &amp;Computers verwenden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>Undid {what}.</source>
        <translation>Rückgängig gemacht: {what}.</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Redid {what}.</source>
        <translation>Wiederholt: {what}.</translation>
    </message>
    <message>
        <source>&amp;Find booking</source>
        <translation>Buchung &amp;suchen</translation>
    </message>
    <message>
        <source>&amp;Booking</source>
        <translation>B&amp;uchung</translation>
    </message>
    <message>
        <source>&amp;Walk-in…</source>
        <translation>Buchung vor &amp;Ort…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Previous day</source>
        <translation>&amp;Voriger Tag</translation>
    </message>
    <message>
        <source>&amp;Next day</source>
        <translation>&amp;Nächster Tag</translation>
    </message>
    <message>
        <source>&amp;Today</source>
        <translation>&amp;Heute</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>Bookings &amp;columns</source>
        <translation>Spalten der &amp;Buchungen</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>&amp;Owner</source>
        <translation>&amp;Inhaber</translation>
    </message>
    <message>
        <source>&amp;Generate slots…</source>
        <translation>Zeitfenster &amp;erzeugen…</translation>
    </message>
    <message>
        <source>&amp;Users…</source>
        <translation>&amp;Benutzer…</translation>
    </message>
    <message>
        <source>Likely &amp;duplicates…</source>
        <translation>Mögliche &amp;Doppelte…</translation>
    </message>
    <message>
        <source>Customer d&amp;ata…</source>
        <translation>&amp;Kundendaten…</translation>
    </message>
    <message>
        <source>&amp;Health…</source>
        <translation>&amp;Systemzustand…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;User guide</source>
        <translation>&amp;Benutzerhandbuch</translation>
    </message>
    <message>
        <source>The user guide, at the part about this view</source>
        <translation>Das Benutzerhandbuch, beim Teil über diese Ansicht</translation>
    </message>
    <message>
        <source>System language ({name})</source>
        <translation>Sprache des Systems ({name})</translation>
    </message>
    <message>
        <source>Switching the language…</source>
        <translation>Sprache wird gewechselt…</translation>
    </message>
    <message>
        <source>Database: {url}</source>
        <translation>Datenbank: {url}</translation>
    </message>
    <message>
        <source>Signed in: {name} ({role})</source>
        <translation>Angemeldet: {name} ({role})</translation>
    </message>
    <message>
        <source>Up to date</source>
        <translation>Aktuell</translation>
    </message>
    <message>
        <source>Up to date · {time}</source>
        <translation>Aktuell · {time}</translation>
    </message>
    <message>
        <source>The database is back; everything shown is up to date.</source>
        <translation>Die Datenbank ist wieder erreichbar; alles Angezeigte ist aktuell.</translation>
    </message>
    <message>
        <source>The database is out of reach. What you type is kept, but nothing can be saved until the connection is back; the desk reconnects by itself.</source>
        <translation>Die Datenbank ist nicht erreichbar. Eingaben bleiben erhalten, gespeichert werden kann aber erst wieder mit Verbindung; der Arbeitsplatz verbindet sich von selbst neu.</translation>
    </message>
    <message>
        <source>Offline · reconnecting…</source>
        <translation>Offline · verbinde neu…</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close message</source>
        <translation>Meldung schließen</translation>
    </message>
</context>
<context>
    <name>MonthModel</name>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Holiday</source>
        <translation>Feiertag</translation>
    </message>
    <message>
        <source>Special hours</source>
        <translation>Sonderzeiten</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>{kind}: {note}</source>
        <translation>{kind}: {note}</translation>
    </message>
    <message numerus="yes">
        <source>%n blocked</source>
        <translation>
            <numerusform>%n gesperrt</numerusform>
            <numerusform>%n gesperrt</numerusform>
        </translation>
    </message>
    <message>
        <source>No slots</source>
        <translation>Keine Zeitfenster</translation>
    </message>
    <message numerus="yes">
        <source>{booked} of {places} places booked in %n slot(s)</source>
        <translation>
            <numerusform>{booked} von {places} Plätzen gebucht, %n Zeitfenster</numerusform>
            <numerusform>{booked} von {places} Plätzen gebucht, %n Zeitfenster</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutsideHoursDialog</name>
    <message>
        <source>Bookings outside the new hours</source>
        <translation>Buchungen außerhalb der neuen Öffnungszeiten</translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) would fall outside the opening hours. Keep them as they are, or cancel them?</source>
        <translation>
            <numerusform>%n Buchung läge außerhalb der Öffnungszeiten. Behalten oder stornieren?</numerusform>
            <numerusform>%n Buchungen lägen außerhalb der Öffnungszeiten. Behalten oder stornieren?</numerusform>
        </translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Buchungsnummer</translation>
    </message>
    <message>
        <source>Reason given to customers when cancelling</source>
        <translation>Grund, der den Kunden beim Stornieren genannt wird</translation>
    </message>
    <message>
        <source>Keep them</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <source>Cancel them</source>
        <translation>Stornieren</translation>
    </message>
    <message>
        <source>Back to editing</source>
        <translation>Zurück zur Bearbeitung</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>PdfReport</name>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Buchungsnummer</translation>
    </message>
    <message>
        <source>{n}%</source>
        <translation>{n} %</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Auslastung</translation>
    </message>
    <message>
        <source>{rate} ({booked} of {places})</source>
        <translation>{rate} ({booked} von {places})</translation>
    </message>
    <message>
        <source>Cancellation rate</source>
        <translation>Stornoquote</translation>
    </message>
    <message>
        <source>No-show rate</source>
        <translation>Nichterscheinen-Quote</translation>
    </message>
    <message>
        <source>Confirmation rate</source>
        <translation>Bestätigungsquote</translation>
    </message>
    <message>
        <source>{rate} ({n} of {d} pending)</source>
        <translation>{rate} ({n} von {d} unbestätigten)</translation>
    </message>
    <message>
        <source>Lead time, median</source>
        <translation>Vorlaufzeit, Median</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>New customers</source>
        <translation>Neukunden</translation>
    </message>
    <message>
        <source>Returning customers</source>
        <translation>Wiederkehrende Kunden</translation>
    </message>
    <message>
        <source>Bookings by returning customers</source>
        <translation>Buchungen wiederkehrender Kunden</translation>
    </message>
    <message>
        <source>{rate} ({n} of {d})</source>
        <translation>{rate} ({n} von {d})</translation>
    </message>
    <message>
        <source>Most no-shows #{rank}</source>
        <translation>Am häufigsten nicht erschienen Nr. {rank}</translation>
    </message>
    <message>
        <source>{name} ({n}; customer {id})</source>
        <translation>{name} ({n}; Kundennr. {id})</translation>
    </message>
    <message>
        <source>Source: {source}</source>
        <translation>Kanal: {source}</translation>
    </message>
    <message>
        <source>Utilisation {when}</source>
        <translation>Auslastung {when}</translation>
    </message>
    <message>
        <source>Popular #{rank}</source>
        <translation>Beliebt Nr. {rank}</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>Kennzahlen</translation>
    </message>
    <message>
        <source>All businesses</source>
        <translation>Alle Betriebe</translation>
    </message>
    <message>
        <source>all dates</source>
        <translation>alle Tage</translation>
    </message>
    <message>
        <source>{first} – {last}</source>
        <translation>{first} – {last}</translation>
    </message>
    <message>
        <source>made {period}</source>
        <translation>gebucht {period}</translation>
    </message>
    <message>
        <source>Bookings: {period}</source>
        <translation>Buchungen: {period}</translation>
    </message>
    <message>
        <source>{bookings} (table filtered: {by})</source>
        <translation>{bookings} (Tabelle gefiltert: {by})</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <source>Booking report</source>
        <translation>Buchungsbericht</translation>
    </message>
    <message>
        <source>Page {page} of {pages}</source>
        <translation>Seite {page} von {pages}</translation>
    </message>
    <message>
        <source>{name} · Time zone {zone}</source>
        <translation>{name} · Zeitzone {zone}</translation>
    </message>
    <message>
        <source>Business: {title}</source>
        <translation>Betrieb: {title}</translation>
    </message>
    <message>
        <source>{title} (continued)</source>
        <translation>{title} (Fortsetzung)</translation>
    </message>
    <message>
        <source>Booking report · {who} · {period}</source>
        <translation>Buchungsbericht · {who} · {period}</translation>
    </message>
    <message>
        <source>No bookings.</source>
        <translation>Keine Buchungen.</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Letzte 90 Tage</translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation>Letzte 365 Tage</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Eigener Zeitraum</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Count bookings by</source>
        <translation>Buchungen zählen nach</translation>
    </message>
    <message>
        <source>By appointment date</source>
        <translation>Nach Termindatum</translation>
    </message>
    <message>
        <source>By date booked</source>
        <translation>Nach Buchungsdatum</translation>
    </message>
    <message>
        <source>Appointment date: the bookings for this period. Date booked: the bookings taken in this period, whenever their appointment is.</source>
        <translation>Termindatum: die Buchungen für diesen Zeitraum. Buchungsdatum: die in diesem Zeitraum angenommenen Buchungen, egal wann ihr Termin ist.</translation>
    </message>
    <message>
        <source>B&amp;usiness:</source>
        <translation>Be&amp;trieb:</translation>
    </message>
    <message>
        <source>Export this period&apos;s bookings:</source>
        <translation>Buchungen des Zeitraums exportieren:</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>Excel</source>
        <translation>Excel</translation>
    </message>
    <message>
        <source>PDF</source>
        <translation>PDF</translation>
    </message>
    <message>
        <source>iCalendar</source>
        <translation>iCalendar</translation>
    </message>
    <message>
        <source>Export this period&apos;s bookings as {0}</source>
        <translation>Buchungen des Zeitraums als {0} exportieren</translation>
    </message>
    <message>
        <source>bookings</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>utilisation (booked places / capacity)</source>
        <translation>Auslastung (gebuchte Plätze / Kapazität)</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>storniert</translation>
    </message>
    <message>
        <source>no-shows (of completed + no-show)</source>
        <translation>nicht erschienen (von abgeschlossen + nicht erschienen)</translation>
    </message>
    <message>
        <source>pending that became confirmed</source>
        <translation>unbestätigte, die bestätigt wurden</translation>
    </message>
    <message>
        <source>median lead time</source>
        <translation>Vorlaufzeit (Median)</translation>
    </message>
    <message>
        <source>Bookings per day, by status</source>
        <translation>Buchungen pro Tag, nach Status</translation>
    </message>
    <message>
        <source>Utilisation by weekday and hour</source>
        <translation>Auslastung nach Wochentag und Stunde</translation>
    </message>
    <message>
        <source>Bookings by status</source>
        <translation>Buchungen nach Status</translation>
    </message>
    <message>
        <source>Lead time</source>
        <translation>Vorlaufzeit</translation>
    </message>
    <message>
        <source>All bookings of {who} made {first} to {last}.</source>
        <translation>Alle Buchungen von {who}, gebucht vom {first} bis {last}.</translation>
    </message>
    <message>
        <source>All bookings of {who}, {first} to {last}.</source>
        <translation>Alle Buchungen von {who}, {first} bis {last}.</translation>
    </message>
    <message numerus="yes">
        <source>{b} booked place(s) of {c} (slots not blocked)</source>
        <translation>
            <numerusform>{b} gebuchter Platz von {c} (nicht gesperrte Zeitfenster)</numerusform>
            <numerusform>{b} gebuchte Plätze von {c} (nicht gesperrte Zeitfenster)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{n} of {d} booking(s) that were pending</source>
        <translation>
            <numerusform>{n} von {d} unbestätigten Buchung</numerusform>
            <numerusform>{n} von {d} unbestätigten Buchungen</numerusform>
        </translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} Tage</translation>
    </message>
    <message>
        <source>All businesses</source>
        <translation>Alle Betriebe</translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message>
        <source>Reschedule {ref}</source>
        <translation>{ref} verschieben</translation>
    </message>
    <message>
        <source>&amp;Move here</source>
        <translation>&amp;Hierhin verschieben</translation>
    </message>
    <message>
        <source>Looking for free times…</source>
        <translation>Freie Zeiten werden gesucht…</translation>
    </message>
    <message numerus="yes">
        <source>{name} — now: {day} {time}. Choose a free time in the next %n day(s).</source>
        <translation>
            <numerusform>{name} — jetzt: {day} {time}. Eine freie Zeit am nächsten Tag wählen.</numerusform>
            <numerusform>{name} — jetzt: {day} {time}. Eine freie Zeit in den nächsten %n Tagen wählen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No free time in the next %n day(s). Generate more slots in Hours, or unblock one.</source>
        <translation>
            <numerusform>Keine freie Zeit am nächsten Tag. Unter Öffnungszeiten mehr Zeitfenster erzeugen oder eines freigeben.</numerusform>
            <numerusform>Keine freie Zeit in den nächsten %n Tagen. Unter Öffnungszeiten mehr Zeitfenster erzeugen oder eines freigeben.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{start}–{end}   {free} of %n free</source>
        <translation>
            <numerusform>{start}–{end}   {free} von %n frei</numerusform>
            <numerusform>{start}–{end}   {free} von %n frei</numerusform>
        </translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <translation>{day} {time}</translation>
    </message>
</context>
<context>
    <name>RetentionWords</name>
    <message numerus="yes">
        <source>Erase %n customer(s) now?</source>
        <translation>
            <numerusform>%n Kunden jetzt löschen?</numerusform>
            <numerusform>%n Kunden jetzt löschen?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in — {app}</source>
        <translation>Anmelden — {app}</translation>
    </message>
    <message>
        <source>&amp;Username</source>
        <translation>&amp;Benutzername</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Passwort</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
</context>
<context>
    <name>SpecialDayDialog</name>
    <message>
        <source>Holiday or special day</source>
        <translation>Feiertag oder Sondertag</translation>
    </message>
    <message>
        <source>Closed all day</source>
        <translation>Ganztägig geschlossen</translation>
    </message>
    <message>
        <source>e.g. 10:00-14:00, 15:00-18:00</source>
        <translation>z. B. 10:00-14:00, 15:00-18:00</translation>
    </message>
    <message>
        <source>e.g. Christmas, stocktaking</source>
        <translation>z. B. Weihnachten, Inventur</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Zeiten</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Write hours as 10:00-14:00.</source>
        <translation>Zeiten bitte als 10:00-14:00 schreiben.</translation>
    </message>
    <message>
        <source>Special hours</source>
        <translation>Sonderzeiten</translation>
    </message>
    <message>
        <source>Give the opening hours of this day, or tick Closed.</source>
        <translation>Öffnungszeiten dieses Tages angeben oder „Ganztägig geschlossen“ ankreuzen.</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Inhaber</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>Benutzer hinzufügen</translation>
    </message>
    <message>
        <source>Disable / enable selected</source>
        <translation>Auswahl sperren / entsperren</translation>
    </message>
    <message>
        <source>Allow / stop exporting</source>
        <translation>Export erlauben / entziehen</translation>
    </message>
    <message>
        <source>Let the selected staff account export customers&apos; details (Bookings → Export…), or stop it</source>
        <translation>Dem gewählten Mitarbeiterkonto den Export von Kundendaten erlauben (Buchungen → Exportieren…) oder wieder entziehen</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>{name} ({role})</source>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <source>{account} — disabled</source>
        <translation>{account} — gesperrt</translation>
    </message>
    <message>
        <source>{account} — may export customers&apos; details</source>
        <translation>{account} — darf Kundendaten exportieren</translation>
    </message>
    <message numerus="yes">
        <source>{who}: %n wrong password(s) in a row</source>
        <translation>
            <numerusform>{who}: %n falsches Passwort in Folge</numerusform>
            <numerusform>{who}: %n falsche Passwörter in Folge</numerusform>
        </translation>
    </message>
    <message>
        <source>{trouble}, must wait until {time}</source>
        <translation>{trouble}, muss bis {time} warten</translation>
    </message>
    <message>
        <source>Failed sign-ins — {lines}</source>
        <translation>Fehlgeschlagene Anmeldungen — {lines}</translation>
    </message>
    <message>
        <source>{name} (no such user)</source>
        <translation>{name} (unbekannter Benutzer)</translation>
    </message>
</context>
<context>
    <name>WalkInForm</name>
    <message>
        <source>{day} · today</source>
        <translation>{day} · heute</translation>
    </message>
    <message>
        <source>{day} · tomorrow</source>
        <translation>{day} · morgen</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Full now</source>
        <translation>Jetzt voll</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Hat begonnen</translation>
    </message>
    <message>
        <source>Over</source>
        <translation>Vorbei</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>Entfernt</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>Voll</translation>
    </message>
    <message>
        <source>Walk-in or phone booking (F2)</source>
        <translation>Buchung vor Ort oder am Telefon (F2)</translation>
    </message>
    <message>
        <source>Ctrl+↑ / Ctrl+↓ pick another slot while typing</source>
        <translation>Strg+↑ / Strg+↓ wählen beim Tippen ein anderes Zeitfenster</translation>
    </message>
    <message>
        <source>Customer name (required)</source>
        <translation>Name des Kunden (Pflicht)</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Book  (Enter)</source>
        <translation>Buchen  (Eingabe)</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>&amp;Slot</source>
        <translation>&amp;Zeit</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;Phone</source>
        <translation>&amp;Telefon</translation>
    </message>
    <message>
        <source>E&amp;mail</source>
        <translation>E-&amp;Mail</translation>
    </message>
    <message>
        <source>Sou&amp;rce</source>
        <translation>&amp;Kanal</translation>
    </message>
    <message>
        <source>No&amp;tes</source>
        <translation>N&amp;otizen</translation>
    </message>
    <message>
        <source>Not bookable now</source>
        <translation>Jetzt nicht buchbar</translation>
    </message>
    <message>
        <source>No free slot on this day</source>
        <translation>Kein freies Zeitfenster an diesem Tag</translation>
    </message>
    <message>
        <source>Booking for someone else than {name}: the phone and email filled in with {name} were taken out.</source>
        <translation>Buchung für jemand anderen als {name}: Telefon und E-Mail, die mit {name} eingetragen wurden, sind entfernt.</translation>
    </message>
    <message>
        <source>Card… (F4)</source>
        <translation>Karte… (F4)</translation>
    </message>
    <message>
        <source>The customer&apos;s card: details, notes and every booking</source>
        <translation>Die Karte des Kunden: Angaben, Notizen und alle Buchungen</translation>
    </message>
    <message>
        <source>Someone else</source>
        <translation>Jemand anderes</translation>
    </message>
    <message>
        <source>Book for someone else: not this customer&apos;s record</source>
        <translation>Für jemand anderen buchen: nicht der Eintrag dieses Kunden</translation>
    </message>
    <message>
        <source>Booking for {name}&apos;s record</source>
        <translation>Buchung für den Eintrag von {name}</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>Notiz: {note}</translation>
    </message>
    <message>
        <source>There is no free slot to book on this day.</source>
        <translation>An diesem Tag ist kein Zeitfenster mehr frei.</translation>
    </message>
    <message>
        <source>Booking…</source>
        <translation>Wird gebucht…</translation>
    </message>
    <message>
        <source>The connection was lost while booking {ref} for {name}. Whether it was saved is checked as soon as the database answers.</source>
        <translation>Die Verbindung brach ab, während {ref} für {name} gebucht wurde. Ob die Buchung gespeichert ist, wird geprüft, sobald die Datenbank wieder antwortet.</translation>
    </message>
    <message>
        <source>Booked {ref} for {name}, {when}.</source>
        <translation>Gebucht: {ref} für {name}, {when}.</translation>
    </message>
    <message>
        <source>(It had been saved when the connection was lost.)</source>
        <translation>(Sie war schon gespeichert, als die Verbindung abbrach.)</translation>
    </message>
    <message>
        <source>{ref} for {name} was not saved. Press Enter to book it now.</source>
        <translation>{ref} für {name} wurde nicht gespeichert. Mit der Eingabetaste jetzt buchen.</translation>
    </message>
    <message>
        <source>{why} Nothing else is free on {day}. Next free: {at}.</source>
        <translation>{why} Am {day} ist sonst nichts frei. Nächste freie Zeit: {at}.</translation>
    </message>
    <message>
        <source>{why} Next free: {at}.</source>
        <translation>{why} Nächste freie Zeit: {at}.</translation>
    </message>
    <message>
        <source>Book {at} instead</source>
        <translation>Stattdessen {at} buchen</translation>
    </message>
</context>
<context>
    <name>_Counts</name>
    <message numerus="yes">
        <source>{count} place(s)</source>
        <translation>
            <numerusform>{count} Platz</numerusform>
            <numerusform>{count} Plätze</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} booking(s)</source>
        <translation>
            <numerusform>{count} Buchung</numerusform>
            <numerusform>{count} Buchungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n place(s) free</source>
        <translation>
            <numerusform>%n Platz frei</numerusform>
            <numerusform>%n Plätze frei</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n free</source>
        <comment>places free, where the slot box is narrow</comment>
        <translation>
            <numerusform>%n frei</numerusform>
            <numerusform>%n frei</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_ReasonDialog</name>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>No business is set up yet. Ask an owner to set it up.</source>
        <translation>Es ist noch kein Betrieb eingerichtet. Bitten Sie einen Inhaber, ihn einzurichten.</translation>
    </message>
    <message>
        <source>The password is kept in the system keyring.</source>
        <translation>Das Passwort liegt im Schlüsselbund des Systems.</translation>
    </message>
    <message>
        <source>There is no system keyring here: the password will be asked for next time.</source>
        <translation>Hier gibt es keinen Schlüsselbund des Systems: Das Passwort wird beim nächsten Mal erneut abgefragt.</translation>
    </message>
    <message>
        <source>Connected to {where}.</source>
        <translation>Verbunden mit {where}.</translation>
    </message>
    <message>
        <source>Cannot open the database {where}: {error}</source>
        <translation>Die Datenbank {where} lässt sich nicht öffnen: {error}</translation>
    </message>
</context>
<context>
    <name>commands</name>
    <message>
        <source>The {what} was not saved; nothing was changed. Do it again if it is still wanted.</source>
        <translation>Nicht gespeichert: {what}. Es wurde nichts geändert; bei Bedarf bitte wiederholen.</translation>
    </message>
    <message>
        <source>The {what} had been saved when the connection was lost.</source>
        <translation>Schon gespeichert, als die Verbindung abbrach: {what}.</translation>
    </message>
    <message>
        <source>Whether the last action was saved could not be found out: {why}</source>
        <translation>Ob die letzte Aktion gespeichert wurde, ließ sich nicht feststellen: {why}</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>The connection was lost just as this was being saved, so it is not known yet whether it was. The desk checks as soon as the database answers and says so.</source>
        <translation>Die Verbindung brach genau beim Speichern ab; ob gespeichert wurde, ist noch offen. Der Arbeitsplatz prüft es, sobald die Datenbank antwortet, und meldet das Ergebnis.</translation>
    </message>
    <message>
        <source>{what}: {why}</source>
        <translation>{what}: {why}</translation>
    </message>
    <message>
        <source>{lead}: {refusals}.</source>
        <translation>{lead}: {refusals}.</translation>
    </message>
    <message>
        <source>Something went wrong: {error}.</source>
        <translation>Etwas ist schiefgegangen: {error}.</translation>
    </message>
    <message>
        <source>The details were written to {path}.</source>
        <translation>Die Einzelheiten stehen in {path}.</translation>
    </message>
    <message>
        <source>Cannot write the PDF to {path}.</source>
        <translation>Das PDF kann nicht nach {path} geschrieben werden.</translation>
    </message>
    <message>
        <source>The database is out of reach, so nothing was saved. The desk reconnects by itself: try again when the banner at the top has gone.</source>
        <translation>Die Datenbank ist nicht erreichbar, daher wurde nichts gespeichert. Der Arbeitsplatz verbindet sich von selbst neu: bitte erneut versuchen, wenn der Hinweis oben verschwunden ist.</translation>
    </message>
    <message>
        <source>The request could not be completed.</source>
        <translation>Die Anfrage konnte nicht ausgeführt werden.</translation>
    </message>
    <message>
        <source>Some of the details entered are not valid.</source>
        <translation>Einige Angaben sind ungültig.</translation>
    </message>
    <message>
        <source>This time slot is already full.</source>
        <translation>Dieses Zeitfenster ist bereits voll.</translation>
    </message>
    <message>
        <source>This time slot has already started; it can no longer be booked.</source>
        <translation>Dieses Zeitfenster hat schon begonnen und kann nicht mehr gebucht werden.</translation>
    </message>
    <message>
        <source>This time slot is blocked and cannot be booked.</source>
        <translation>Dieses Zeitfenster ist gesperrt und kann nicht gebucht werden.</translation>
    </message>
    <message>
        <source>This time is outside the opening hours and can no longer be booked.</source>
        <translation>Diese Zeit liegt außerhalb der Öffnungszeiten und kann nicht mehr gebucht werden.</translation>
    </message>
    <message>
        <source>This customer already has a booking in this time slot.</source>
        <translation>Dieser Kunde hat in diesem Zeitfenster schon eine Buchung.</translation>
    </message>
    <message>
        <source>That booking reference belongs to another booking.</source>
        <translation>Diese Buchungsnummer gehört zu einer anderen Buchung.</translation>
    </message>
    <message>
        <source>The booking cannot be changed that way.</source>
        <translation>Die Buchung kann so nicht geändert werden.</translation>
    </message>
    <message>
        <source>Only an owner can do this.</source>
        <translation>Das kann nur ein Inhaber.</translation>
    </message>
    <message>
        <source>That record no longer exists.</source>
        <translation>Dieser Eintrag existiert nicht mehr.</translation>
    </message>
    <message>
        <source>The connection to the database was lost. Nothing from this step was saved; please try again.</source>
        <translation>Die Verbindung zur Datenbank ist abgebrochen. Von diesem Schritt wurde nichts gespeichert; bitte erneut versuchen.</translation>
    </message>
    <message>
        <source>The connection to the database was lost just as this was being saved, so it is not known whether it was saved. Look at it again once the database answers.</source>
        <translation>Die Verbindung zur Datenbank brach genau beim Speichern ab; ob gespeichert wurde, ist unklar. Bitte erneut nachsehen, sobald die Datenbank antwortet.</translation>
    </message>
    <message>
        <source>This is not a Booking Desktop database, or it is damaged.</source>
        <translation>Das ist keine Booking-Desktop-Datenbank, oder sie ist beschädigt.</translation>
    </message>
    <message>
        <source>The disk is full: nothing was saved. Free some space and try again.</source>
        <translation>Der Datenträger ist voll: Es wurde nichts gespeichert. Bitte Platz schaffen und erneut versuchen.</translation>
    </message>
    <message>
        <source>Nothing was changed</source>
        <translation>Es wurde nichts geändert</translation>
    </message>
    <message>
        <source>Nothing was redone</source>
        <translation>Nichts wurde wiederholt</translation>
    </message>
    <message>
        <source>Nothing was undone</source>
        <translation>Nichts wurde rückgängig gemacht</translation>
    </message>
    <message>
        <source>booking of {name}</source>
        <translation>Buchung von {name}</translation>
    </message>
    <message>
        <source>cancellation of {name}</source>
        <translation>Stornierung von {name}</translation>
    </message>
    <message>
        <source>reinstatement of {name}</source>
        <translation>Wiederherstellung von {name}</translation>
    </message>
    <message>
        <source>marking as pending</source>
        <translation>Markierung als unbestätigt</translation>
    </message>
    <message>
        <source>completion</source>
        <translation>Abschluss</translation>
    </message>
    <message>
        <source>{name} ({ref}) is already {status}; nothing was changed.</source>
        <translation>{name} ({ref}) ist bereits {status}; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>{noun} of {name}</source>
        <translation>{noun} von {name}</translation>
    </message>
    <message>
        <source>check-in of {name}</source>
        <translation>Check-in von {name}</translation>
    </message>
    <message>
        <source>undo of the check-in of {name}</source>
        <translation>Rücknahme des Check-ins von {name}</translation>
    </message>
    <message>
        <source>move of {name} to {when}</source>
        <translation>Verschiebung von {name} auf {when}</translation>
    </message>
    <message>
        <source>The details of {ref} are already these; nothing was changed.</source>
        <translation>Die Details von {ref} sind bereits so; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>edit of {name}&apos;s details</source>
        <translation>Bearbeitung der Details von {name}</translation>
    </message>
    <message>
        <source>This time slot is already blocked; nothing was changed.</source>
        <translation>Dieses Zeitfenster ist bereits gesperrt; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>This time slot is already open; nothing was changed.</source>
        <translation>Dieses Zeitfenster ist bereits offen; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>block of {when}</source>
        <translation>Sperre von {when}</translation>
    </message>
    <message>
        <source>unblock of {when}</source>
        <translation>Freigabe von {when}</translation>
    </message>
    <message>
        <source>This time slot already takes {n}; nothing was changed.</source>
        <translation>Dieses Zeitfenster hat bereits {n} Plätze; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>capacity change of {when}</source>
        <translation>Platzänderung von {when}</translation>
    </message>
    <message>
        <source>merge of {others} into {keep}</source>
        <translation>Zusammenführen von {others} mit {keep}</translation>
    </message>
    <message>
        <source>undo of the merge of {others} into {keep}</source>
        <translation>Rücknahme des Zusammenführens von {others} mit {keep}</translation>
    </message>
    <message>
        <source>The selected bookings are already so; nothing was changed.</source>
        <translation>Die gewählten Buchungen sind bereits so; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>{noun} of {n} bookings</source>
        <translation>{noun} von {n} Buchungen</translation>
    </message>
    <message>
        <source>{what} ({ref})</source>
        <translation>{what} ({ref})</translation>
    </message>
    <message>
        <source>The account {name} no longer exists.</source>
        <translation>Das Konto {name} existiert nicht mehr.</translation>
    </message>
    <message>
        <source>The account {name} is disabled.</source>
        <translation>Das Konto {name} ist gesperrt.</translation>
    </message>
    <message>
        <source>Only an owner, or staff an owner has allowed to export, can export customers&apos; details.</source>
        <translation>Kundendaten exportieren können nur Inhaber und Mitarbeiter, denen ein Inhaber es erlaubt hat.</translation>
    </message>
    <message>
        <source>That time slot no longer exists.</source>
        <translation>Dieses Zeitfenster existiert nicht mehr.</translation>
    </message>
    <message>
        <source>{reason}. This time can no longer be booked.</source>
        <translation>{reason}. Diese Zeit kann nicht mehr gebucht werden.</translation>
    </message>
    <message>
        <source>This time slot has already started; choose a later one.</source>
        <translation>Dieses Zeitfenster hat schon begonnen; bitte ein späteres wählen.</translation>
    </message>
    <message>
        <source>This time slot is full ({booked}/{places}).</source>
        <translation>Dieses Zeitfenster ist voll ({booked}/{places}).</translation>
    </message>
    <message>
        <source>That customer&apos;s record no longer exists (it may have been merged into another); pick the customer again. Nothing was booked.</source>
        <translation>Der Eintrag dieses Kunden existiert nicht mehr (er wurde vielleicht mit einem anderen zusammengeführt); bitte den Kunden erneut wählen. Es wurde nichts gebucht.</translation>
    </message>
    <message>
        <source>This time slot is full.</source>
        <translation>Dieses Zeitfenster ist voll.</translation>
    </message>
    <message>
        <source>That customer is a customer of another business; book them there, or book this business&apos;s record of them.</source>
        <translation>Dieser Kunde gehört zu einem anderen Geschäft; dort buchen oder den Eintrag dieses Geschäfts für ihn wählen.</translation>
    </message>
    <message>
        <source>The reference {ref} belongs to another booking; nothing was booked.</source>
        <translation>Die Buchungsnummer {ref} gehört zu einer anderen Buchung; es wurde nichts gebucht.</translation>
    </message>
    <message>
        <source>Booking {ref} was changed at another desk meanwhile (it is now {status}); nothing was changed.</source>
        <translation>Buchung {ref} wurde inzwischen an einem anderen Arbeitsplatz geändert (sie ist jetzt {status}); es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>That booking no longer exists.</source>
        <translation>Diese Buchung existiert nicht mehr.</translation>
    </message>
    <message>
        <source>No booking with reference {ref}.</source>
        <translation>Keine Buchung mit der Nummer {ref}.</translation>
    </message>
    <message>
        <source>Booking {ref} is {status}; only a pending or confirmed booking can be cancelled.</source>
        <translation>Buchung {ref} ist {status}; stornieren lassen sich nur unbestätigte oder bestätigte Buchungen.</translation>
    </message>
    <message>
        <source>Booking {ref} was moved at another desk meanwhile (it is now at {when}); nothing was changed.</source>
        <translation>Buchung {ref} wurde inzwischen an einem anderen Arbeitsplatz verschoben (sie liegt jetzt auf {when}); es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Booking {ref} is {status} and cannot be moved.</source>
        <translation>Buchung {ref} ist {status} und kann nicht verschoben werden.</translation>
    </message>
    <message>
        <source>The booking is already in that time slot.</source>
        <translation>Die Buchung liegt schon in diesem Zeitfenster.</translation>
    </message>
    <message>
        <source>That time slot belongs to another business; book the customer there instead.</source>
        <translation>Dieses Zeitfenster gehört zu einem anderen Betrieb; bitte den Kunden dort buchen.</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>unbestätigt</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>storniert</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>abgeschlossen</translation>
    </message>
    <message>
        <source>marked as a no-show</source>
        <translation>als nicht erschienen markiert</translation>
    </message>
    <message>
        <source>as a no-show</source>
        <translation>nicht erschienen</translation>
    </message>
    <message>
        <source>Booking {ref} is {status}; it cannot become {new}.</source>
        <translation>Buchung {ref} ist {status} und kann nicht mehr {new} werden.</translation>
    </message>
    <message>
        <source>The appointment has not begun yet; it cannot be marked {status} before {when}.</source>
        <translation>Der Termin hat noch nicht begonnen; vor {when} kann er nicht als {status} markiert werden.</translation>
    </message>
    <message>
        <source>Booking {ref} is {status}; it cannot be checked in.</source>
        <translation>Buchung {ref} ist {status} und kann nicht eingecheckt werden.</translation>
    </message>
    <message>
        <source>{name} is already checked in.</source>
        <translation>{name} ist bereits eingecheckt.</translation>
    </message>
    <message>
        <source>{name} ({ref}) is booked for {day}; check-in is possible on that day only.</source>
        <translation>{name} ({ref}) ist für {day} gebucht; einchecken geht nur an diesem Tag.</translation>
    </message>
    <message>
        <source>Booking {ref} is {status} now; its check-in cannot be taken back.</source>
        <translation>Buchung {ref} ist jetzt {status}; ihr Check-in kann nicht zurückgenommen werden.</translation>
    </message>
    <message>
        <source>Booking {ref} was changed at another desk meanwhile; nothing was changed.</source>
        <translation>Buchung {ref} wurde inzwischen an einem anderen Arbeitsplatz geändert; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>This time slot&apos;s capacity was changed at another desk meanwhile (it now takes {n}); nothing was changed.</source>
        <translation>Die Plätze dieses Zeitfensters wurden inzwischen an einem anderen Arbeitsplatz geändert (jetzt {n}); es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>1 place is already booked in this slot; the capacity cannot go below 1. Cancel or move bookings first.</source>
        <translation>In diesem Zeitfenster ist schon 1 Platz gebucht; weniger als 1 Platz geht nicht. Zuerst Buchungen stornieren oder verschieben.</translation>
    </message>
    <message>
        <source>{n} places are already booked in this slot; the capacity cannot go below {n}. Cancel or move bookings first.</source>
        <translation>In diesem Zeitfenster sind schon {n} Plätze gebucht; weniger als {n} Plätze gehen nicht. Zuerst Buchungen stornieren oder verschieben.</translation>
    </message>
    <message>
        <source>The start {start} must be before the end {end}.</source>
        <translation>Der Beginn {start} muss vor dem Ende {end} liegen.</translation>
    </message>
    <message>
        <source>Some bookings would fall outside the new opening hours.</source>
        <translation>Einige Buchungen lägen außerhalb der neuen Öffnungszeiten.</translation>
    </message>
    <message>
        <source>A business called {name} already exists.</source>
        <translation>Einen Betrieb namens {name} gibt es schon.</translation>
    </message>
    <message>
        <source>That business no longer exists.</source>
        <translation>Dieser Betrieb existiert nicht mehr.</translation>
    </message>
    <message>
        <source>Choose a business to filter by date.</source>
        <translation>Zum Filtern nach Datum bitte einen Betrieb wählen.</translation>
    </message>
    <message>
        <source>The details of booking {ref} were changed at another desk meanwhile; nothing was changed.</source>
        <translation>Die Details der Buchung {ref} wurden inzwischen an einem anderen Arbeitsplatz geändert; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Booking {ref} already holds a place.</source>
        <translation>Buchung {ref} hat bereits einen Platz.</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation>Der Export wurde abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
    <message>
        <source>A special day that is not closed needs opening hours.</source>
        <translation>Ein Sondertag, der nicht geschlossen ist, braucht Öffnungszeiten.</translation>
    </message>
    <message>
        <source>There is no special day on {day}.</source>
        <translation>Am {day} gibt es keinen Sondertag.</translation>
    </message>
    <message>
        <source>Slot generation was stopped; no slots were created.</source>
        <translation>Das Erzeugen wurde angehalten; es wurden keine Zeitfenster angelegt.</translation>
    </message>
    <message>
        <source>This time slot was blocked or unblocked at another desk meanwhile; nothing was changed.</source>
        <translation>Dieses Zeitfenster wurde inzwischen an einem anderen Arbeitsplatz gesperrt oder freigegeben; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>The password must have at least {n} characters.</source>
        <translation>Das Passwort braucht mindestens {n} Zeichen.</translation>
    </message>
    <message>
        <source>The password contains control characters.</source>
        <translation>Das Passwort enthält Steuerzeichen.</translation>
    </message>
    <message>
        <source>The username</source>
        <translation>Der Benutzername</translation>
    </message>
    <message>
        <source>The username cannot contain spaces.</source>
        <translation>Der Benutzername darf keine Leerzeichen enthalten.</translation>
    </message>
    <message>
        <source>The username {name} is taken.</source>
        <translation>Der Benutzername {name} ist schon vergeben.</translation>
    </message>
    <message>
        <source>Too many wrong passwords; wait a moment and try again.</source>
        <translation>Zu viele falsche Passwörter; bitte kurz warten und erneut versuchen.</translation>
    </message>
    <message>
        <source>Too many wrong passwords for {name}. Try again in {n} seconds.</source>
        <translation>Zu viele falsche Passwörter für {name}. Erneut versuchen in {n} Sekunden.</translation>
    </message>
    <message>
        <source>Too many wrong passwords for {name}. Try again in {n} minutes.</source>
        <translation>Zu viele falsche Passwörter für {name}. Erneut versuchen in {n} Minuten.</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>Benutzername oder Passwort falsch.</translation>
    </message>
    <message>
        <source>The account {name} is disabled; ask an owner.</source>
        <translation>Das Konto {name} ist gesperrt; bitte an einen Inhaber wenden.</translation>
    </message>
    <message>
        <source>This is the last active owner account; add another owner first.</source>
        <translation>Das ist das letzte aktive Inhaberkonto; zuerst einen weiteren Inhaber anlegen.</translation>
    </message>
    <message>
        <source>{name} is an owner; owners can always export.</source>
        <translation>{name} ist Inhaber; Inhaber dürfen immer exportieren.</translation>
    </message>
    <message>
        <source>{label} must be text.</source>
        <translation>{label} muss Text sein.</translation>
    </message>
    <message>
        <source>{label} contains invisible control characters; please retype it.</source>
        <translation>{label} enthält unsichtbare Steuerzeichen; bitte neu eingeben.</translation>
    </message>
    <message>
        <source>{label} is required.</source>
        <translation>{label} fehlt.</translation>
    </message>
    <message>
        <source>{label} is too long ({length} characters; at most {most}).</source>
        <translation>{label} ist zu lang ({length} Zeichen; höchstens {most}).</translation>
    </message>
    <message>
        <source>The customer&apos;s name</source>
        <translation>Der Name des Kunden</translation>
    </message>
    <message>
        <source>The email address</source>
        <translation>Die E-Mail-Adresse</translation>
    </message>
    <message>
        <source>{label} {value} does not look like name@example.com.</source>
        <translation>{label} {value} sieht nicht aus wie name@example.com.</translation>
    </message>
    <message>
        <source>The phone number</source>
        <translation>Die Telefonnummer</translation>
    </message>
    <message>
        <source>{label} {value} is not a phone number (digits, spaces, + - ( ) only).</source>
        <translation>{label} {value} ist keine Telefonnummer (nur Ziffern, Leerzeichen, + - ( )).</translation>
    </message>
    <message>
        <source>The notes</source>
        <translation>Die Notizen</translation>
    </message>
    <message>
        <source>The reason</source>
        <translation>Der Grund</translation>
    </message>
    <message>
        <source>{value} is not a booking reference like K7M-4QX.</source>
        <translation>{value} ist keine Buchungsnummer wie K7M-4QX.</translation>
    </message>
    <message>
        <source>{label} must be a whole number.</source>
        <translation>{label} muss eine ganze Zahl sein.</translation>
    </message>
    <message>
        <source>{label} must be between {low} and {high} (got {value}).</source>
        <translation>{label} muss zwischen {low} und {high} liegen (angegeben: {value}).</translation>
    </message>
    <message>
        <source>{label} {value} is not a date (YYYY-MM-DD).</source>
        <translation>{label} {value} ist kein Datum (JJJJ-MM-TT).</translation>
    </message>
    <message>
        <source>{label} must be a date.</source>
        <translation>{label} muss ein Datum sein.</translation>
    </message>
    <message>
        <source>{label} {value} is out of range ({low}–{high}).</source>
        <translation>{label} {value} liegt außerhalb des Bereichs ({low}–{high}).</translation>
    </message>
    <message>
        <source>The start date</source>
        <translation>Das Anfangsdatum</translation>
    </message>
    <message>
        <source>The end date</source>
        <translation>Das Enddatum</translation>
    </message>
    <message>
        <source>The end date {end} is before the start date {start}.</source>
        <translation>Das Enddatum {end} liegt vor dem Anfangsdatum {start}.</translation>
    </message>
    <message>
        <source>The date range is too long; at most {days} days at a time.</source>
        <translation>Der Zeitraum ist zu lang; höchstens {days} Tage auf einmal.</translation>
    </message>
    <message>
        <source>{label} {value} is not a time (HH:MM).</source>
        <translation>{label} {value} ist keine Uhrzeit (HH:MM).</translation>
    </message>
    <message>
        <source>{label} must be a time of day.</source>
        <translation>{label} muss eine Uhrzeit sein.</translation>
    </message>
    <message>
        <source>{label} is a local time and takes no time zone.</source>
        <translation>{label} ist eine Ortszeit und hat keine Zeitzone.</translation>
    </message>
    <message>
        <source>{label}: give a list of (open, close) times.</source>
        <translation>{label}: bitte eine Liste von (Öffnung, Schließung) angeben.</translation>
    </message>
    <message>
        <source>{label}: each interval needs an opening and a closing time.</source>
        <translation>{label}: Jedes Intervall braucht eine Öffnungs- und eine Schließzeit.</translation>
    </message>
    <message>
        <source>{label}: opening {opens} must be before closing {closes}.</source>
        <translation>{label}: Öffnung {opens} muss vor Schließung {closes} liegen.</translation>
    </message>
    <message>
        <source>{label}: the intervals overlap ({later} is before {earlier}).</source>
        <translation>{label}: Die Intervalle überschneiden sich ({later} liegt vor {earlier}).</translation>
    </message>
    <message>
        <source>cancellation</source>
        <translation>Stornierung</translation>
    </message>
    <message>
        <source>confirmation</source>
        <translation>Bestätigung</translation>
    </message>
    <message>
        <source>no-show</source>
        <translation>Nicht erschienen</translation>
    </message>
    <message>
        <source>check-in</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <source>backup</source>
        <translation>die Sicherung</translation>
    </message>
    <message>
        <source>export</source>
        <translation>den Export</translation>
    </message>
    <message>
        <source>Cannot write the {what} to {path}: it is a folder.</source>
        <translation>Kann {what} nicht nach {path} schreiben: Das ist ein Ordner.</translation>
    </message>
    <message>
        <source>Cannot write the {what} to {path}: {why}.</source>
        <translation>Kann {what} nicht nach {path} schreiben: {why}.</translation>
    </message>
    <message>
        <source>That customer no longer exists (they may have been merged into another record).</source>
        <translation>Dieser Kunde existiert nicht mehr (er wurde vielleicht mit einem anderen Eintrag zusammengeführt).</translation>
    </message>
    <message>
        <source>That customer no longer exists (they may have been merged into another record); nothing was changed.</source>
        <translation>Dieser Kunde existiert nicht mehr (er wurde vielleicht mit einem anderen Eintrag zusammengeführt); es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>This customer&apos;s details were changed at another desk meanwhile; nothing was changed.</source>
        <translation>Die Angaben dieses Kunden wurden inzwischen an einem anderen Arbeitsplatz geändert; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>That is the same customer twice; choose two records to merge.</source>
        <translation>Das ist zweimal derselbe Kunde; bitte zwei Einträge zum Zusammenführen wählen.</translation>
    </message>
    <message>
        <source>One of these customers&apos; records was changed at another desk meanwhile; nothing was changed.</source>
        <translation>Einer dieser Kundeneinträge wurde inzwischen an einem anderen Platz geändert; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>These customers belong to two businesses; only records of one business can be merged.</source>
        <translation>Diese Kunden gehören zu zwei Geschäften; nur Einträge eines Geschäfts lassen sich zusammenführen.</translation>
    </message>
    <message>
        <source>The kept customer&apos;s record was changed after the merge (at another desk, or erased); taking the merge back would undo that, so nothing was changed.</source>
        <translation>Der behaltene Kundeneintrag wurde nach dem Zusammenführen geändert (an einem anderen Platz oder gelöscht); das Zurücknehmen würde das rückgängig machen, daher wurde nichts geändert.</translation>
    </message>
    <message>
        <source>The merged record&apos;s number was given to another customer since the merge; nothing was changed.</source>
        <translation>Die Nummer des zusammengeführten Eintrags wurde seither an einen anderen Kunden vergeben; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>A booking that moved with the merge has moved to another customer since; nothing was changed.</source>
        <translation>Eine Buchung, die beim Zusammenführen umgezogen ist, gehört inzwischen zu einem anderen Kunden; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>That customer no longer exists (they may have been merged into another record); pick the customer again.</source>
        <translation>Dieser Kunde existiert nicht mehr (er wurde vielleicht mit einem anderen Eintrag zusammengeführt); bitte den Kunden erneut wählen.</translation>
    </message>
    <message>
        <source>{path} is not a Booking Desktop database, or it is damaged. Nothing was changed in it.</source>
        <translation>{path} ist keine Booking-Desktop-Datenbank oder ist beschädigt. Darin wurde nichts geändert.</translation>
    </message>
    <message>
        <source>{path} does not exist (any more).</source>
        <translation>{path} gibt es nicht (mehr).</translation>
    </message>
    <message>
        <source>{where} belongs to another program (it has tables but is not a Booking Desktop database). Nothing was changed in it.</source>
        <translation>{where} gehört zu einem anderen Programm (sie hat Tabellen, ist aber keine Booking-Desktop-Datenbank). Darin wurde nichts geändert.</translation>
    </message>
    <message>
        <source>{path} is a folder, not a database file.</source>
        <translation>{path} ist ein Ordner, keine Datenbankdatei.</translation>
    </message>
    <message>
        <source>Database address {address} is not valid; use sqlite:///PATH or postgresql://user:password@host:port/dbname.</source>
        <translation>Die Datenbankadresse {address} ist ungültig; verwenden Sie sqlite:///PFAD oder postgresql://benutzer:passwort@host:port/datenbank.</translation>
    </message>
    <message>
        <source>An SQLite address needs a file: sqlite:///PATH.</source>
        <translation>Eine SQLite-Adresse braucht eine Datei: sqlite:///PFAD.</translation>
    </message>
    <message>
        <source>A PostgreSQL address needs a database name: postgresql://host/dbname.</source>
        <translation>Eine PostgreSQL-Adresse braucht einen Datenbanknamen: postgresql://host/datenbank.</translation>
    </message>
    <message>
        <source>Unknown database type {scheme}; use sqlite:/// or postgresql://.</source>
        <translation>Unbekannte Datenbankart {scheme}; verwenden Sie sqlite:/// oder postgresql://.</translation>
    </message>
    <message>
        <source>The database needs an upgrade; ask whoever manages the server to run `main.py migrate`.</source>
        <translation>Die Datenbank muss aktualisiert werden; bitten Sie die Person, die den Server betreut, `main.py migrate` auszuführen.</translation>
    </message>
    <message>
        <source>The role {role} has no rights on this database; ask whoever manages the server to run `main.py migrate --grant {role}`.</source>
        <translation>Die Rolle {role} hat keine Rechte an dieser Datenbank; bitten Sie die Person, die den Server betreut, `main.py migrate --grant {role}` auszuführen.</translation>
    </message>
    <message>
        <source>Cannot use the database {where}: {why}</source>
        <translation>Die Datenbank {where} kann nicht verwendet werden: {why}</translation>
    </message>
    <message>
        <source>Cannot use the database {where}: the server could not be reached or closed the connection ({answer}). Nothing was changed; try again.</source>
        <translation>Die Datenbank {where} kann nicht verwendet werden: Der Server war nicht erreichbar oder hat die Verbindung beendet ({answer}). Nichts wurde geändert; versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <source>{where} is locked by another program and stayed locked for {seconds} s. Close that program (or wait for it) and try again.</source>
        <translation>{where} ist von einem anderen Programm gesperrt und blieb {seconds} s lang gesperrt. Schließen Sie dieses Programm (oder warten Sie darauf) und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <source>{where} was made by a newer version of Booking Desktop (schema {schema}); install that version to open it.</source>
        <translation>{where} wurde von einer neueren Version von Booking Desktop angelegt (Schema {schema}); installieren Sie diese Version, um sie zu öffnen.</translation>
    </message>
    <message>
        <source>The server {host} was not found: check its name (or use its IP address) and that this computer is on the network.</source>
        <translation>Der Server {host} wurde nicht gefunden: Prüfen Sie seinen Namen (oder verwenden Sie seine IP-Adresse) und ob dieser Computer im Netzwerk ist.</translation>
    </message>
    <message>
        <source>The server {host} refused the user name {user} or its password: check both.</source>
        <translation>Der Server {host} hat den Benutzernamen {user} oder sein Passwort abgelehnt: Prüfen Sie beides.</translation>
    </message>
    <message>
        <source>The server {host} asks for the password of {user}.</source>
        <translation>Der Server {host} verlangt das Passwort von {user}.</translation>
    </message>
    <message>
        <source>There is no database {name} on the server {host}: check its name, or ask whoever manages the server to create it.</source>
        <translation>Auf dem Server {host} gibt es keine Datenbank {name}: Prüfen Sie ihren Namen oder bitten Sie die Person, die den Server betreut, sie anzulegen.</translation>
    </message>
    <message>
        <source>The server {host} does not let {user} use the database {name} ({answer}).</source>
        <translation>Der Server {host} lässt {user} die Datenbank {name} nicht verwenden ({answer}).</translation>
    </message>
    <message>
        <source>The server {host} is not answering on port {port}: check that it is switched on, the address and port are right and no firewall is in between ({answer}).</source>
        <translation>Der Server {host} antwortet nicht auf Port {port}: Prüfen Sie, ob er eingeschaltet ist, ob Adresse und Port stimmen und ob keine Firewall dazwischen ist ({answer}).</translation>
    </message>
</context>
<context>
    <name>exports</name>
    <message>
        <source>Reference</source>
        <translation>Buchungsnummer</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>Betrieb</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zeitzone</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Booked at</source>
        <translation>Gebucht am</translation>
    </message>
    <message>
        <source>Checked in at</source>
        <translation>Eingecheckt um</translation>
    </message>
    <message>
        <source>Cancel reason</source>
        <translation>Stornogrund</translation>
    </message>
    <message>
        <source>Customer id</source>
        <translation>Kundennummer</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>Buchungen</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>&amp;CPage &amp;P of &amp;N</source>
        <translation>&amp;CSeite &amp;P von &amp;N</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>All businesses</source>
        <translation>Alle Betriebe</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>any date</source>
        <translation>jedes Datum</translation>
    </message>
    <message>
        <source>any</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Dates of</source>
        <translation>Datum nach</translation>
    </message>
    <message>
        <source>date booked</source>
        <translation>Buchungsdatum</translation>
    </message>
    <message>
        <source>appointment</source>
        <translation>Termin</translation>
    </message>
    <message>
        <source>Bookings exported</source>
        <translation>Exportierte Buchungen</translation>
    </message>
    <message>
        <source>Report figures</source>
        <translation>Kennzahlen</translation>
    </message>
    <message>
        <source>choose a date range to include them</source>
        <translation>für Kennzahlen einen Zeitraum wählen</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>Kennzahl</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>Bookings in the period</source>
        <translation>Buchungen im Zeitraum</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>Status: {status}</translation>
    </message>
    <message>
        <source>Source: {source}</source>
        <translation>Kanal: {source}</translation>
    </message>
    <message>
        <source>Capacity (places)</source>
        <translation>Kapazität (Plätze)</translation>
    </message>
    <message>
        <source>Booked places</source>
        <translation>Gebuchte Plätze</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Auslastung</translation>
    </message>
    <message>
        <source>Cancellation rate</source>
        <translation>Stornoquote</translation>
    </message>
    <message>
        <source>No-show rate</source>
        <translation>Nichterscheinen-Quote</translation>
    </message>
    <message>
        <source>Confirmation rate</source>
        <translation>Bestätigungsquote</translation>
    </message>
    <message>
        <source>Lead time, median (hours)</source>
        <translation>Vorlaufzeit, Median (Stunden)</translation>
    </message>
    <message>
        <source>Lead time {bucket}</source>
        <translation>Vorlaufzeit {bucket}</translation>
    </message>
    <message>
        <source>Utilisation {day}</source>
        <translation>Auslastung {day}</translation>
    </message>
    <message>
        <source>Utilisation by weekday and hour</source>
        <translation>Auslastung nach Wochentag und Stunde</translation>
    </message>
    <message>
        <source>Popular times</source>
        <translation>Beliebte Zeiten</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Places</source>
        <translation>Plätze</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>New customers</source>
        <translation>Neukunden</translation>
    </message>
    <message>
        <source>Returning customers</source>
        <translation>Wiederkehrende Kunden</translation>
    </message>
    <message>
        <source>Bookings by returning customers</source>
        <translation>Buchungen wiederkehrender Kunden</translation>
    </message>
    <message>
        <source>Most no-shows</source>
        <translation>Am häufigsten nicht erschienen</translation>
    </message>
    <message>
        <source>No-shows</source>
        <translation>Nicht erschienen</translation>
    </message>
</context>
<context>
    <name>formats</name>
    <message>
        <source>HH:mm</source>
        <comment>a time of day: 09:00 (Qt QTime format)</comment>
        <translation>HH:mm</translation>
    </message>
    <message>
        <source>ddd d MMM yyyy</source>
        <comment>a day with its year: Tue 1 Dec 2026 (Qt QDate format)</comment>
        <translation>ddd, d. MMM yyyy</translation>
    </message>
    <message>
        <source>HH:mm:ss</source>
        <comment>a time with seconds: 09:00:05 (Qt QTime format)</comment>
        <translation>HH:mm:ss</translation>
    </message>
    <message>
        <source>ddd d MMM</source>
        <comment>a day without its year: Tue 1 Dec (Qt QDate format)</comment>
        <translation>ddd, d. MMM</translation>
    </message>
    <message>
        <source>d MMM</source>
        <comment>a day of this year: 3 Nov (Qt QDate format)</comment>
        <translation>d. MMM</translation>
    </message>
    <message>
        <source>d MMM yyyy</source>
        <comment>a day of another year: 3 Nov 2025 (Qt QDate format)</comment>
        <translation>d. MMM yyyy</translation>
    </message>
    <message>
        <source>ddd dd MMM yyyy</source>
        <comment>a day in a table, days in two digits: Mon 04 Mar 2030 (Qt QDate format)</comment>
        <translation>ddd, dd.MM.yyyy</translation>
    </message>
    <message>
        <source>dddd d MMMM yyyy</source>
        <comment>a day&apos;s title: Tuesday 1 December 2026 (Qt QDate format)</comment>
        <translation>dddd, d. MMMM yyyy</translation>
    </message>
    <message>
        <source>dd MMM</source>
        <comment>a day on a chart&apos;s axis: 01 Dec (Qt QDate format)</comment>
        <translation>dd. MMM</translation>
    </message>
    <message>
        <source>dd MMM yyyy</source>
        <comment>the end of a chart&apos;s period: 30 Nov 2026 (Qt QDate format)</comment>
        <translation>dd. MMM yyyy</translation>
    </message>
    <message>
        <source>MMMM yyyy</source>
        <comment>a month&apos;s title: December 2026 (Qt QDate format)</comment>
        <translation>MMMM yyyy</translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <comment>a day and a time: Tue 1 Dec 16:30</comment>
        <translation>{day} {time}</translation>
    </message>
    <message>
        <source>{day} {start}–{end}</source>
        <comment>a slot: Tue 1 Dec 10:00–10:30</comment>
        <translation>{day} {start}–{end}</translation>
    </message>
    <message>
        <source>{n}%</source>
        <comment>a percentage: 87%</comment>
        <translation>{n} %</translation>
    </message>
    <message>
        <source>dd MMM yyyy</source>
        <comment>a day in a report&apos;s header: 04 Mar 2030 (Qt QDate format)</comment>
        <translation>dd.MM.yyyy</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>Pending</source>
        <translation>Unbestätigt</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>Eingecheckt</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>Nicht erschienen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Frei</translation>
    </message>
    <message>
        <source>Filling up</source>
        <translation>Füllt sich</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>Voll</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Past</source>
        <translation>Vorbei</translation>
    </message>
    <message>
        <source>Walk-in</source>
        <translation>Vor Ort</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>Inhaber</translation>
    </message>
    <message>
        <source>staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Marked {name} pending.</source>
        <translation>{name} als unbestätigt markiert.</translation>
    </message>
    <message>
        <source>Marked {name} confirmed.</source>
        <translation>{name} bestätigt.</translation>
    </message>
    <message>
        <source>Marked {name} completed.</source>
        <translation>{name} als abgeschlossen markiert.</translation>
    </message>
    <message>
        <source>Marked {name} no-show.</source>
        <translation>{name} als nicht erschienen markiert.</translation>
    </message>
    <message>
        <source>Marked {name} cancelled.</source>
        <translation>{name} storniert.</translation>
    </message>
    <message>
        <source>Outside opening hours</source>
        <translation>Außerhalb der Öffnungszeiten</translation>
    </message>
    <message>
        <source>Outside the special hours</source>
        <translation>Außerhalb der Sonderzeiten</translation>
    </message>
    <message>
        <source>Outside the special hours ({note})</source>
        <translation>Außerhalb der Sonderzeiten ({note})</translation>
    </message>
    <message>
        <source>Closed: holiday</source>
        <translation>Geschlossen: Feiertag</translation>
    </message>
    <message>
        <source>Closed: {note}</source>
        <translation>Geschlossen: {note}</translation>
    </message>
    <message>
        <source>Closed — holiday</source>
        <translation>Geschlossen — Feiertag</translation>
    </message>
    <message>
        <source>Closed — {note}</source>
        <translation>Geschlossen — {note}</translation>
    </message>
    <message>
        <source>Special hours {hours}</source>
        <translation>Sonderzeiten {hours}</translation>
    </message>
    <message>
        <source>Special hours {hours} — {note}</source>
        <translation>Sonderzeiten {hours} — {note}</translation>
    </message>
</context>
</TS>
