from etl.fetch.cli import main

raise SystemExit(main())
