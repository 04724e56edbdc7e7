"""The booking platform: a database of open days (`db/`), the booking logic over it
(`days.py`, `bookings.py`), the nightly plan from the database (`nightly.py`), calendars
(`calendar.py`), and the HTTP service: the JSON API (`api.py`) and the French booking page
(`pages.py`), thin handlers over the same functions. `app.create_app` puts them together."""
