"""Being split into commands/ and views/ (the architecture issue); nothing new goes here."""
