from coursekit.system import main

raise SystemExit(main())
