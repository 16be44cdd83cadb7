"""The console's queries, a module per page (dashboard, events, narratives, posts, search,
sources, saved queries, users, alerts); monitor/console renders what they return."""
