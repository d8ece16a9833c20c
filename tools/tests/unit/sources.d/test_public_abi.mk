# The public headers must compile on their own, as C99 and as C++;
# test_public_abi is not built unless they do.
test_public_abi: public_standalone.stamp

public_standalone.stamp: public_standalone.c $(wildcard $(XEN)/include/public/*.h $(XEN)/include/public/*/*.h)
	$(HOSTCC) -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I$(XEN)/include $<
	g++ -std=c++11 -pedantic -Wall -Wextra -Werror -x c++ -fsyntax-only -I$(XEN)/include $<
	touch $@
