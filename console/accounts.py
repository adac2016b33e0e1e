"""`make staff-user EMAIL=...`: create a staff account, or set a new password on one.

The password comes from the PASSWORD environment variable when set (make passes a
PASSWORD=... given on its command line that way, never as an argument), else it is
asked for twice without echo.
"""

from __future__ import annotations

import getpass
import os
import sys

from clinic_db.staff import email_problem, password_problem, save_staff_user


def read_password() -> str:
    password = os.environ.get("PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise SystemExit("No PASSWORD given and no terminal to ask for one.")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Same password again: ") != first:
        raise SystemExit("The two passwords differ; nothing was changed.")
    return first


def main() -> int:
    email = os.environ.get("EMAIL", "").strip()
    if not email:
        print("Usage: make staff-user EMAIL=name@clinic.example [PASSWORD=...]; without PASSWORD it is asked for.")
        return 2
    problem = email_problem(email)
    if problem:
        print(problem)
        return 2
    password = read_password()
    problem = password_problem(password)
    if problem:
        print(problem + " Nothing was changed.")
        return 2
    created = save_staff_user(email, password)
    print(f"Created staff account {email.lower()}." if created else
          f"New password set for {email.lower()}; its open sessions were signed out.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
