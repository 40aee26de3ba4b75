"""newswatch's spiders: ``scrapy list`` from the project root shows them."""
