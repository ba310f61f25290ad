// Package e2e holds the end-to-end tests of the booking flow, all real:
// bookingd, pcscd with vpcd, mynasim, mynactl submit, and the registration
// page driven in headless Chromium. It has no code of its own.
package e2e
