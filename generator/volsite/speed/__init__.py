"""What makes a build fast: work shared between processes, and what is kept between builds."""
