"""AVG/GDPR duties: exporting what is stored about one person, and anonymising personal
data once its retention period has ended (see :mod:`services.privacy.retention`)."""
