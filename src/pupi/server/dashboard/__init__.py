"""The dashboard's static files (index.html, app.js, app.css), served by routes/dashboard.py."""
