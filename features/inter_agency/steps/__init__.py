"""Step modules of the inter-agency features, by scenario group (the folders' conftests import
them, so pytest-bdd finds their steps): common (who is signed in, the worker, the other agencies'
cases), bundle (the birth / residence / insurance bundle), deliveries (messages from systems
outside motcua), receivers (the national portal and webhooks, incidents), handoffs (the
acknowledgement rule and its escalation)."""
