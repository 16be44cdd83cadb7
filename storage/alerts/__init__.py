"""Alert rules, incidents and deliveries (`store`), the queries that evaluate rules on what is
new (`queries`, `adopters`); monitor/alerts decides and delivers."""
