with a:
    b;
if x: y; z;
else: w;
class C:
  def f(): pass;
