import type { z } from "zod";
import type { Role } from "../../schema/auth.ts";
import type { CreateRestaurantBody, ItemBody, OpeningWindow } from "../../schema/catalog.ts";
import type { LatLng } from "../../schema/geo.ts";

/**
 * The demo city that `npm start` seeds: Austin, Texas. Pure data, no I/O. Every name here is
 * invented; any likeness to a real business is an accident. Addresses are real-looking streets
 * with approximate coordinates, and phone numbers use the 555-01xx block reserved for fiction.
 */

type ItemInput = z.input<typeof ItemBody>;

/** A modifier group as an item body takes it: `options` in display order. */
export type DemoModifierGroup = NonNullable<ItemInput["modifierGroups"]>[number];

/** A menu item as an item body takes it, less the ids and positions the seed assigns. */
export type DemoItem = Omit<ItemInput, "categoryId" | "position">;

export type DemoCategory = { name: string; items: DemoItem[] };

/** A restaurant as the create-restaurant body takes it, with its rating and menu. */
export type DemoRestaurant = z.infer<typeof CreateRestaurantBody> & {
  phone: string;
  rating: number;
  menu: DemoCategory[];
};

export type DemoUser = { email: string; name: string; phone: string; role: Role };

/** A customer with a home address, where the order simulation delivers to. */
export type DemoCustomer = DemoUser & { role: "customer"; home: LatLng; address: string };

/** A driver with the place their shift starts from in the simulation. */
export type DemoDriver = DemoUser & {
  role: "driver";
  home: LatLng;
  vehicle: "bicycle" | "scooter" | "car";
};

export type DemoStaff = DemoUser & { role: "restaurant"; restaurantSlug: string };

export const DEMO_CITY = {
  name: "Austin",
  region: "Texas",
  country: "US",
  timezone: "America/Chicago",
  currency: "USD",
  center: { lat: 30.2672, lng: -97.7431 },
  /** Central Austin: every demo restaurant, customer and driver lies inside this box. */
  bounds: { latMin: 30.22, latMax: 30.32, lngMin: -97.8, lngMax: -97.68 },
} as const;

/**
 * One shared password per role, so the logins `npm start` prints are easy to type. They are
 * demo credentials for a local machine and must never reach a deployed database.
 */
export const DEMO_PASSWORDS = {
  admin: "demo-admin-password",
  customer: "demo-customer-password",
  driver: "demo-driver-password",
  restaurant: "demo-staff-password",
} as const satisfies Record<Role, string>;

/**
 * The restaurant that is open around the clock, every day: tests that need an open kitchen
 * order from it, whatever the hour on the machine that runs them.
 */
export const ALWAYS_OPEN_SLUG = "moonlight-griddle";

const TIMEZONE = DEMO_CITY.timezone;
const WEEK = [0, 1, 2, 3, 4, 5, 6];
const SUN = 0;
const MON = 1;
const TUE = 2;
const WED = 3;
const THU = 4;
const FRI = 5;
const SAT = 6;

/** The same window on each of `days`. */
function on(days: number[], opens: string, closes: string): OpeningWindow[] {
  return days.map((day) => ({ day, opens, closes }));
}

const AROUND_THE_CLOCK = on(WEEK, "00:00", "24:00");

function choice(name: string, options: string[]): DemoModifierGroup {
  return {
    name,
    minChoices: 1,
    maxChoices: 1,
    options: options.map((option) => ({ name: option, priceCents: 0 })),
  };
}

const spiceLevel = (hottest = "Hot"): DemoModifierGroup =>
  choice("Spice level", ["Mild", "Medium", hottest]);
const tortilla = choice("Tortilla", ["Flour", "Corn"]);

// ---------------------------------------------------------------------------------------------
// Open around the clock
// ---------------------------------------------------------------------------------------------

const burgerAddOns: DemoModifierGroup = {
  name: "Add-ons",
  minChoices: 0,
  maxChoices: 4,
  options: [
    { name: "Applewood bacon", priceCents: 200 },
    { name: "Fried egg", priceCents: 150 },
    { name: "Avocado", priceCents: 200 },
    { name: "Grilled jalapeños", priceCents: 75 },
    { name: "Extra patty", priceCents: 400, available: false },
  ],
};

const moonlightGriddle: DemoRestaurant = {
  slug: "moonlight-griddle",
  name: "Moonlight Griddle",
  description:
    "A chrome-and-vinyl diner on the Drag that has not turned its griddle off since it opened. Breakfast all day, burgers all night.",
  cuisine: "Diner",
  priceLevel: 2,
  rating: 4.4,
  location: { lat: 30.2953, lng: -97.7418 },
  address: "2915 Guadalupe St, Austin, TX 78705",
  phone: "(512) 555-0101",
  timezone: TIMEZONE,
  openingHours: AROUND_THE_CLOCK,
  prepMinutes: 15,
  menu: [
    {
      name: "All-Day Breakfast",
      items: [
        {
          name: "Two-Egg Breakfast",
          description: "Two eggs your way, crispy hash browns, toast and a breakfast meat.",
          priceCents: 1095,
          modifierGroups: [
            choice("Eggs", ["Scrambled", "Over easy", "Over medium", "Sunny side up", "Poached"]),
            choice("Breakfast meat", ["Applewood bacon", "Pork sausage", "Turkey sausage"]),
            {
              name: "Toast",
              minChoices: 1,
              maxChoices: 1,
              options: [
                { name: "Sourdough", priceCents: 0 },
                { name: "Wheat", priceCents: 0 },
                { name: "Buttermilk biscuit", priceCents: 150 },
              ],
            },
          ],
        },
        {
          name: "Gingerbread Pancakes",
          description: "A tall stack with whipped butter and warm maple syrup.",
          priceCents: 995,
          dietaryTags: ["vegetarian"],
          modifierGroups: [
            {
              name: "Add-ons",
              minChoices: 0,
              maxChoices: 3,
              options: [
                { name: "Toasted pecans", priceCents: 150 },
                { name: "Blueberries", priceCents: 175 },
                { name: "Whipped cream", priceCents: 75 },
                { name: "Side of bacon", priceCents: 350 },
              ],
            },
          ],
        },
        {
          name: "Migas Plate",
          description:
            "Eggs scrambled with crisp tortilla strips, pico de gallo and cheddar; refried beans and tortillas on the side.",
          priceCents: 1195,
          dietaryTags: ["vegetarian", "spicy"],
          modifierGroups: [tortilla],
        },
        {
          name: "Chicken-Fried Steak & Eggs",
          description: "Hand-battered steak under cream gravy with two eggs and hash browns.",
          priceCents: 1495,
        },
        {
          name: "Queso Omelette",
          description: "Three eggs, green chiles, onions and a ladle of white queso.",
          priceCents: 1250,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
      ],
    },
    {
      name: "Burgers & Melts",
      items: [
        {
          name: "Night Owl Cheeseburger",
          description: "Half-pound chuck patty, American cheese, pickles and griddled onions.",
          priceCents: 1295,
          modifierGroups: [
            choice("Cook temperature", ["Medium rare", "Medium", "Medium well", "Well done"]),
            burgerAddOns,
          ],
        },
        {
          name: "Patty Melt",
          description: "Rye, Swiss, caramelized onions and a griddled patty.",
          priceCents: 1250,
          modifierGroups: [burgerAddOns],
        },
        {
          name: "Grilled Cheese & Tomato Soup",
          description: "Sourdough, three cheeses and a cup of roasted tomato soup.",
          priceCents: 1095,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Black Bean Burger",
          description: "House black bean and corn patty, pepper jack, chipotle mayo.",
          priceCents: 1195,
          dietaryTags: ["vegetarian", "spicy"],
        },
      ],
    },
    {
      name: "Plates & Salads",
      items: [
        {
          name: "Meatloaf Plate",
          description: "Thick-cut meatloaf with tomato glaze, mashed potatoes and green beans.",
          priceCents: 1450,
        },
        {
          name: "Chicken Tenders Basket",
          description: "Buttermilk tenders, fries and honey mustard.",
          priceCents: 1150,
        },
        {
          name: "Diner Cobb Salad",
          description: "Romaine, turkey, bacon, egg, avocado, tomato and blue cheese.",
          priceCents: 1295,
          dietaryTags: ["gluten_free"],
        },
      ],
    },
    {
      name: "Sides",
      items: [
        {
          name: "Hash Browns",
          description: "Shredded and griddled until crisp.",
          priceCents: 450,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Biscuit & Gravy",
          description: "A buttermilk biscuit under peppery sausage gravy.",
          priceCents: 550,
        },
        {
          name: "Seasoned Fries",
          description: "Skin-on fries with house seasoning salt.",
          priceCents: 450,
          dietaryTags: ["vegan"],
        },
      ],
    },
    {
      name: "Shakes & Drinks",
      items: [
        {
          name: "Hand-Spun Milkshake",
          description: "Made with real ice cream, topped with whipped cream.",
          priceCents: 695,
          dietaryTags: ["vegetarian"],
          modifierGroups: [
            {
              name: "Flavor",
              minChoices: 1,
              maxChoices: 1,
              options: [
                { name: "Vanilla", priceCents: 0 },
                { name: "Chocolate", priceCents: 0 },
                { name: "Strawberry", priceCents: 0 },
                { name: "Cookies & cream", priceCents: 50 },
                { name: "Peanut butter", priceCents: 50, available: false },
              ],
            },
          ],
        },
        {
          name: "Bottomless Coffee",
          description: "Dark roast, refilled as long as you stay.",
          priceCents: 325,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Fresh Orange Juice",
          description: "Squeezed to order.",
          priceCents: 450,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const tacoExtras: DemoModifierGroup = {
  name: "Extras",
  minChoices: 0,
  maxChoices: 3,
  options: [
    { name: "Avocado", priceCents: 100 },
    { name: "Queso", priceCents: 75 },
    { name: "Grilled onions", priceCents: 50 },
    { name: "Pickled jalapeños", priceCents: 50 },
  ],
};

const taqueriaSalsa = choice("Salsa", ["Verde", "Roja", "Habanero", "No salsa"]);

const taqueriaLaVeladora: DemoRestaurant = {
  slug: "taqueria-la-veladora",
  name: "Taquería La Veladora",
  description:
    "An east-side taco window lit by a wall of prayer candles. Handmade flour tortillas, trompo al pastor and breakfast tacos at any hour.",
  cuisine: "Tacos",
  priceLevel: 1,
  rating: 4.6,
  location: { lat: 30.2568, lng: -97.7262 },
  address: "1715 E Cesar Chavez St, Austin, TX 78702",
  phone: "(512) 555-0102",
  timezone: TIMEZONE,
  openingHours: AROUND_THE_CLOCK,
  prepMinutes: 10,
  menu: [
    {
      name: "Breakfast Tacos",
      items: [
        {
          name: "Bacon, Egg & Cheese Taco",
          description: "Scrambled eggs, crisp bacon and cheddar.",
          priceCents: 375,
          modifierGroups: [tortilla, tacoExtras],
        },
        {
          name: "Potato, Egg & Cheese Taco",
          description: "Griddled potatoes, eggs and cheddar.",
          priceCents: 350,
          dietaryTags: ["vegetarian"],
          modifierGroups: [tortilla, tacoExtras],
        },
        {
          name: "Chorizo & Egg Taco",
          description: "House pork chorizo scrambled with eggs.",
          priceCents: 375,
          dietaryTags: ["spicy"],
          modifierGroups: [tortilla, tacoExtras],
        },
        {
          name: "Migas Taco",
          description: "Eggs, tortilla strips, pico de gallo and Monterey Jack.",
          priceCents: 395,
          dietaryTags: ["vegetarian"],
          modifierGroups: [tortilla, tacoExtras],
        },
        {
          name: "Barbacoa & Egg Taco",
          description: "Slow-braised beef cheek with eggs, onion and cilantro.",
          priceCents: 450,
          modifierGroups: [tortilla, tacoExtras],
        },
      ],
    },
    {
      name: "Street Tacos",
      items: [
        {
          name: "Al Pastor Taco",
          description: "Pork shaved from the trompo with pineapple, onion and cilantro.",
          priceCents: 350,
          dietaryTags: ["spicy", "dairy_free"],
          modifierGroups: [taqueriaSalsa],
        },
        {
          name: "Carne Asada Taco",
          description: "Grilled skirt steak on corn with onion and cilantro.",
          priceCents: 395,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [taqueriaSalsa],
        },
        {
          name: "Pollo Asado Taco",
          description: "Citrus-achiote chicken off the grill.",
          priceCents: 325,
          dietaryTags: ["dairy_free"],
          modifierGroups: [taqueriaSalsa],
        },
        {
          name: "Carnitas Taco",
          description: "Pork shoulder confit, crisped on the plancha.",
          priceCents: 350,
          dietaryTags: ["dairy_free"],
          modifierGroups: [taqueriaSalsa],
        },
        {
          name: "Lengua Taco",
          description: "Braised beef tongue, seared crisp.",
          priceCents: 450,
          available: false,
          modifierGroups: [taqueriaSalsa],
        },
        {
          name: "Hongos Taco",
          description: "Garlicky mushrooms and poblano rajas.",
          priceCents: 325,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [taqueriaSalsa],
        },
      ],
    },
    {
      name: "Plates & Bowls",
      items: [
        {
          name: "Taco Plate",
          description: "Three street tacos with rice and charro beans.",
          priceCents: 1195,
          modifierGroups: [
            {
              name: "Choose a protein",
              minChoices: 1,
              maxChoices: 1,
              options: [
                { name: "Al pastor", priceCents: 0 },
                { name: "Carne asada", priceCents: 100 },
                { name: "Pollo asado", priceCents: 0 },
                { name: "Carnitas", priceCents: 0 },
                { name: "Hongos", priceCents: 0 },
              ],
            },
            taqueriaSalsa,
          ],
        },
        {
          name: "Burrito Bowl",
          description: "Rice, black beans, your protein, pico, crema and cotija.",
          priceCents: 1095,
          dietaryTags: ["gluten_free"],
          modifierGroups: [choice("Choose a protein", ["Al pastor", "Pollo asado", "Hongos"])],
        },
        {
          name: "Quesadilla",
          description: "A big flour tortilla with Oaxaca cheese; add a protein if you like.",
          priceCents: 895,
          dietaryTags: ["vegetarian"],
          modifierGroups: [
            {
              name: "Add a protein",
              minChoices: 0,
              maxChoices: 1,
              options: [
                { name: "Al pastor", priceCents: 250 },
                { name: "Carne asada", priceCents: 300 },
                { name: "Pollo asado", priceCents: 250 },
              ],
            },
          ],
        },
      ],
    },
    {
      name: "Sides",
      items: [
        {
          name: "Chips & Salsa",
          description: "Warm corn chips with salsa roja.",
          priceCents: 395,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Charro Beans",
          description: "Pintos simmered with bacon, tomato and jalapeño.",
          priceCents: 350,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Elote",
          description: "Grilled street corn, crema, cotija and chile-lime.",
          priceCents: 450,
          dietaryTags: ["vegetarian", "gluten_free", "spicy"],
        },
      ],
    },
    {
      name: "Drinks",
      items: [
        {
          name: "Horchata",
          description: "Cinnamon rice milk, over ice.",
          priceCents: 350,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Agua Fresca",
          description: "Made fresh every morning.",
          priceCents: 350,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [
            {
              name: "Flavor",
              minChoices: 1,
              maxChoices: 1,
              options: [
                { name: "Jamaica", priceCents: 0 },
                { name: "Tamarindo", priceCents: 0 },
                { name: "Sandía", priceCents: 0, available: false },
              ],
            },
          ],
        },
        {
          name: "Mexican Cola",
          description: "Cane-sugar cola in a glass bottle.",
          priceCents: 325,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const smashBun: DemoModifierGroup = {
  name: "Bun",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Potato bun", priceCents: 0 },
    { name: "Lettuce wrap", priceCents: 0 },
    { name: "Gluten-free bun", priceCents: 200 },
  ],
};

const smashAddOns: DemoModifierGroup = {
  name: "Add-ons",
  minChoices: 0,
  maxChoices: 4,
  options: [
    { name: "Bacon", priceCents: 250 },
    { name: "Fried egg", priceCents: 150 },
    { name: "Avocado", priceCents: 200 },
    { name: "Extra patty", priceCents: 350 },
    { name: "Pimento cheese", priceCents: 150, available: false },
  ],
};

const graveyardShiftBurgers: DemoRestaurant = {
  slug: "graveyard-shift-burgers",
  name: "Graveyard Shift Burgers",
  description:
    "Smash burgers for nurses, bartenders and anyone else who clocks out at 3 a.m. Crispy edges, soft potato buns, thick shakes.",
  cuisine: "Burgers",
  priceLevel: 2,
  rating: 4.3,
  location: { lat: 30.3108, lng: -97.7318 },
  address: "4410 N Lamar Blvd, Austin, TX 78756",
  phone: "(512) 555-0103",
  timezone: TIMEZONE,
  openingHours: AROUND_THE_CLOCK,
  prepMinutes: 14,
  menu: [
    {
      name: "Burgers",
      items: [
        {
          name: "Graveyard Double",
          description: "Two smashed patties, American cheese, pickles, onions and house sauce.",
          priceCents: 1195,
          modifierGroups: [smashBun, smashAddOns],
        },
        {
          name: "Hatch Chile Burger",
          description: "Roasted Hatch green chiles and pepper jack.",
          priceCents: 1295,
          dietaryTags: ["spicy"],
          modifierGroups: [smashBun, smashAddOns],
        },
        {
          name: "Bacon Jam Burger",
          description: "Sweet-smoky bacon jam, cheddar and crispy shallots.",
          priceCents: 1350,
          modifierGroups: [smashBun, smashAddOns],
        },
        {
          name: "Mushroom Swiss Burger",
          description: "Sautéed cremini, Swiss and garlic aioli.",
          priceCents: 1250,
          modifierGroups: [smashBun, smashAddOns],
        },
        {
          name: "Kids' Cheeseburger",
          description: "A single patty with cheese and ketchup, plus a small fries.",
          priceCents: 695,
        },
      ],
    },
    {
      name: "Chicken & Plant-Based",
      items: [
        {
          name: "Crispy Chicken Sandwich",
          description: "Buttermilk-brined thigh, slaw and pickles.",
          priceCents: 1150,
          modifierGroups: [choice("Sauce", ["Comeback sauce", "Honey mustard", "Buffalo"])],
        },
        {
          name: "Nashville Hot Chicken",
          description: "Cayenne-oil chicken thigh on white bread with pickles.",
          priceCents: 1250,
          dietaryTags: ["spicy"],
          modifierGroups: [spiceLevel("Cluckin' hot")],
        },
        {
          name: "Plant Smash Burger",
          description: "Plant-based patty, vegan cheese, pickles and onions.",
          priceCents: 1295,
          dietaryTags: ["vegan", "dairy_free"],
          modifierGroups: [smashBun],
        },
      ],
    },
    {
      name: "Fries & Sides",
      items: [
        {
          name: "Shoestring Fries",
          description: "Thin, crisp and salted.",
          priceCents: 395,
          dietaryTags: ["vegan"],
        },
        {
          name: "Chili Cheese Fries",
          description: "Fries under Texas red chili and cheddar.",
          priceCents: 695,
          dietaryTags: ["spicy"],
        },
        {
          name: "Onion Rings",
          description: "Beer-battered sweet onions.",
          priceCents: 550,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Fried Pickles",
          description: "Dill chips in cornmeal batter with ranch.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
    {
      name: "Shakes",
      items: [
        {
          name: "Vanilla Bean Shake",
          description: "Thick enough to need a spoon.",
          priceCents: 650,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Salted Caramel Shake",
          description: "Burnt caramel and flaky salt.",
          priceCents: 695,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Chocolate Malt",
          description: "Old-fashioned malted milk and dark chocolate.",
          priceCents: 695,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
  ],
};

const pizzaCrust: DemoModifierGroup = {
  name: "Crust",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Hand-tossed", priceCents: 0 },
    { name: "Thin crust", priceCents: 0 },
    { name: "Gluten-free crust", priceCents: 300 },
  ],
};

const midnightSlice: DemoRestaurant = {
  slug: "midnight-slice",
  name: "Midnight Slice",
  description:
    "New York-style slices as big as your head, a block off Red River. Whole pies, wings and garlic knots around the clock.",
  cuisine: "Pizza",
  priceLevel: 1,
  rating: 4.2,
  location: { lat: 30.2678, lng: -97.7363 },
  address: "612 Red River St, Austin, TX 78701",
  phone: "(512) 555-0104",
  timezone: TIMEZONE,
  openingHours: AROUND_THE_CLOCK,
  prepMinutes: 12,
  menu: [
    {
      name: "By the Slice",
      items: [
        {
          name: "Cheese Slice",
          description: "Tomato sauce, low-moisture mozzarella, oregano.",
          priceCents: 395,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Pepperoni Slice",
          description: "Cup-and-char pepperoni.",
          priceCents: 450,
        },
        {
          name: "Supreme Slice",
          description: "Pepperoni, sausage, peppers, onions and olives.",
          priceCents: 495,
        },
        {
          name: "Jalapeño Popper Slice",
          description: "Cream cheese, fresh jalapeños and cheddar.",
          priceCents: 475,
          dietaryTags: ["vegetarian", "spicy"],
        },
        {
          name: "Vegan Garden Slice",
          description: "Cashew mozzarella, peppers, mushrooms and spinach.",
          priceCents: 475,
          dietaryTags: ["vegan"],
        },
      ],
    },
    {
      name: "Whole Pies",
      items: [
        {
          name: "Build Your Own Pie",
          description: 'An 18" cheese pie; add up to six toppings.',
          priceCents: 1895,
          dietaryTags: ["vegetarian"],
          modifierGroups: [
            pizzaCrust,
            {
              name: "Toppings",
              minChoices: 0,
              maxChoices: 6,
              options: [
                { name: "Pepperoni", priceCents: 250 },
                { name: "Italian sausage", priceCents: 250 },
                { name: "Mushrooms", priceCents: 200 },
                { name: "Green peppers", priceCents: 200 },
                { name: "Black olives", priceCents: 200 },
                { name: "Jalapeños", priceCents: 150 },
                { name: "Pineapple", priceCents: 200 },
                { name: "Anchovies", priceCents: 250, available: false },
              ],
            },
          ],
        },
        {
          name: "Pepperoni Lover's Pie",
          description: 'An 18" pie with a double layer of pepperoni.',
          priceCents: 2295,
          modifierGroups: [pizzaCrust],
        },
        {
          name: "Margherita Pie",
          description: "Crushed tomato, fresh mozzarella and basil.",
          priceCents: 2095,
          dietaryTags: ["vegetarian"],
          modifierGroups: [pizzaCrust],
        },
        {
          name: "Meat Sweats Pie",
          description: "Pepperoni, sausage, bacon, ham and meatballs.",
          priceCents: 2595,
          modifierGroups: [pizzaCrust],
        },
        {
          name: "BBQ Chicken Pie",
          description: "Smoked chicken, red onion, cilantro and a tangy barbecue sauce.",
          priceCents: 2395,
          modifierGroups: [pizzaCrust],
        },
      ],
    },
    {
      name: "Wings & Knots",
      items: [
        {
          name: "Garlic Knots",
          description: "Six knots in garlic butter with marinara.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Bone-In Wings",
          description: "Eight crisp wings tossed in your sauce.",
          priceCents: 1195,
          dietaryTags: ["gluten_free"],
          modifierGroups: [
            choice("Wing sauce", ["Buffalo", "Honey hot", "Lemon pepper", "Garlic parmesan"]),
            choice("Dip", ["Ranch", "Blue cheese"]),
          ],
        },
      ],
    },
    {
      name: "Salads & Drinks",
      items: [
        {
          name: "Caesar Salad",
          description: "Romaine, parmesan and garlic croutons.",
          priceCents: 895,
        },
        {
          name: "Garden Salad",
          description: "Mixed greens, tomato, cucumber and red onion with balsamic.",
          priceCents: 795,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Two-Liter Soda",
          description: "Cola, lemon-lime or root beer.",
          priceCents: 395,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [choice("Flavor", ["Cola", "Lemon-lime", "Root beer"])],
        },
      ],
    },
  ],
};

const coffeeMilk: DemoModifierGroup = {
  name: "Milk",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Whole milk", priceCents: 0 },
    { name: "Skim milk", priceCents: 0 },
    { name: "Oat milk", priceCents: 75 },
    { name: "Almond milk", priceCents: 75 },
  ],
};

const kolacheLantern: DemoRestaurant = {
  slug: "kolache-lantern",
  name: "Kolache Lantern",
  description:
    "A Czech-Texan bakery on South Congress that bakes through the night: kolaches, klobasneks, donuts and strong coffee.",
  cuisine: "Bakery",
  priceLevel: 1,
  rating: 4.7,
  location: { lat: 30.2425, lng: -97.751 },
  address: "2300 S Congress Ave, Austin, TX 78704",
  phone: "(512) 555-0105",
  timezone: TIMEZONE,
  openingHours: AROUND_THE_CLOCK,
  prepMinutes: 8,
  menu: [
    {
      name: "Savory Kolaches",
      items: [
        {
          name: "Sausage & Cheese Kolache",
          description: "Smoked sausage and cheddar in sweet yeasted dough.",
          priceCents: 325,
        },
        {
          name: "Jalapeño Sausage & Cheese Kolache",
          description: "With fresh jalapeño slices.",
          priceCents: 350,
          dietaryTags: ["spicy"],
        },
        {
          name: "Ham, Egg & Cheese Kolache",
          description: "A whole breakfast, wrapped in dough.",
          priceCents: 375,
        },
        {
          name: "Brisket Kolache",
          description: "Chopped smoked brisket and pepper jack.",
          priceCents: 450,
        },
        {
          name: "Spinach & Feta Kolache",
          description: "Spinach, feta and roasted garlic.",
          priceCents: 350,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
    {
      name: "Fruit Kolaches",
      items: [
        {
          name: "Cream Cheese Kolache",
          description: "Sweet cream cheese and streusel.",
          priceCents: 275,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Apricot Kolache",
          description: "Tart apricot filling.",
          priceCents: 275,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Peach Kolache",
          description: "Fredericksburg peaches in season.",
          priceCents: 275,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Poppy Seed Kolache",
          description: "The old-country classic.",
          priceCents: 275,
          dietaryTags: ["vegetarian"],
          available: false,
        },
      ],
    },
    {
      name: "Donuts",
      items: [
        {
          name: "Glazed Donut",
          description: "Light, yeasted and still warm.",
          priceCents: 175,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Apple Fritter",
          description: "Big, craggy and cinnamon-spiced.",
          priceCents: 375,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Half-Dozen Donut Box",
          description: "Six donuts in up to three flavors.",
          priceCents: 995,
          dietaryTags: ["vegetarian"],
          modifierGroups: [
            {
              name: "Pick your flavors",
              minChoices: 1,
              maxChoices: 3,
              options: [
                { name: "Glazed", priceCents: 0 },
                { name: "Chocolate sprinkle", priceCents: 0 },
                { name: "Maple", priceCents: 0 },
                { name: "Cinnamon sugar", priceCents: 0 },
                { name: "Blueberry cake", priceCents: 0 },
                { name: "Bear claw", priceCents: 150 },
              ],
            },
          ],
        },
      ],
    },
    {
      name: "Coffee",
      items: [
        {
          name: "Drip Coffee",
          description: "Medium roast, 16 oz.",
          priceCents: 275,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Iced Horchata Latte",
          description: "Espresso, cinnamon and rice-milk horchata.",
          priceCents: 525,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [coffeeMilk],
        },
        {
          name: "Chai Latte",
          description: "Spiced black tea with steamed milk.",
          priceCents: 495,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [coffeeMilk],
        },
      ],
    },
  ],
};

const phoSize: DemoModifierGroup = {
  name: "Size",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Regular", priceCents: 0 },
    { name: "Large", priceCents: 200 },
  ],
};

const phoExtras: DemoModifierGroup = {
  name: "Extras",
  minChoices: 0,
  maxChoices: 4,
  options: [
    { name: "Extra noodles", priceCents: 200 },
    { name: "Extra brisket", priceCents: 350 },
    { name: "Beef meatballs", priceCents: 300 },
    { name: "Fresh jalapeños", priceCents: 0 },
    { name: "Bone marrow", priceCents: 400, available: false },
  ],
};

const phoSang: DemoRestaurant = {
  slug: "pho-sang",
  name: "Phở Sáng",
  description:
    "A bright, busy phở house whose broth simmers for eighteen hours. Bánh mì on house-baked rolls and strong Vietnamese coffee, day and night.",
  cuisine: "Vietnamese",
  priceLevel: 2,
  rating: 4.5,
  location: { lat: 30.2342, lng: -97.7255 },
  address: "2400 E Oltorf St, Austin, TX 78741",
  phone: "(512) 555-0106",
  timezone: TIMEZONE,
  openingHours: AROUND_THE_CLOCK,
  prepMinutes: 15,
  menu: [
    {
      name: "Phở",
      items: [
        {
          name: "Phở Tái",
          description: "Rare eye of round in beef broth with rice noodles, herbs and lime.",
          priceCents: 1295,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [phoSize, phoExtras],
        },
        {
          name: "Phở Đặc Biệt",
          description: "The house special: rare steak, brisket, tendon, tripe and meatballs.",
          priceCents: 1495,
          dietaryTags: ["dairy_free"],
          modifierGroups: [phoSize, phoExtras],
        },
        {
          name: "Phở Gà",
          description: "Poached chicken in a clear ginger-chicken broth.",
          priceCents: 1250,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [phoSize],
        },
        {
          name: "Vegetable Phở",
          description: "Mushroom and charred-onion broth with tofu and greens.",
          priceCents: 1195,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [phoSize],
        },
      ],
    },
    {
      name: "Bánh Mì",
      items: [
        {
          name: "Grilled Pork Bánh Mì",
          description: "Lemongrass pork, pâté, pickled daikon and carrot, cilantro, jalapeño.",
          priceCents: 895,
          dietaryTags: ["dairy_free"],
          modifierGroups: [spiceLevel()],
        },
        {
          name: "Lemongrass Chicken Bánh Mì",
          description: "Char-grilled chicken thigh with pickles and herbs.",
          priceCents: 895,
          dietaryTags: ["dairy_free"],
          modifierGroups: [spiceLevel()],
        },
        {
          name: "Tofu Bánh Mì",
          description: "Crispy five-spice tofu with vegan mayo.",
          priceCents: 850,
          dietaryTags: ["vegan"],
          modifierGroups: [spiceLevel()],
        },
      ],
    },
    {
      name: "Rice & Vermicelli",
      items: [
        {
          name: "Bún Thịt Nướng",
          description: "Vermicelli, grilled pork, egg roll, herbs and nước chấm.",
          priceCents: 1295,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Cơm Tấm",
          description: "Broken rice with a grilled pork chop, fried egg and pickles.",
          priceCents: 1350,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Lemongrass Tofu Vermicelli",
          description: "Crispy tofu, herbs, peanuts and vegan fish sauce.",
          priceCents: 1195,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
    {
      name: "Starters",
      items: [
        {
          name: "Gỏi Cuốn",
          description: "Two fresh spring rolls with shrimp and pork; peanut-hoisin dip.",
          priceCents: 695,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Chả Giò",
          description: "Crisp fried pork egg rolls with lettuce and herbs.",
          priceCents: 650,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Fish Sauce Wings",
          description: "Caramelized fish sauce, garlic and chile.",
          priceCents: 995,
          dietaryTags: ["spicy", "dairy_free"],
        },
      ],
    },
    {
      name: "Drinks",
      items: [
        {
          name: "Cà Phê Sữa Đá",
          description: "Dark-roast drip coffee with condensed milk, over ice.",
          priceCents: 495,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Salty Lemonade",
          description: "Preserved lemon, soda and a pinch of salt.",
          priceCents: 450,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Regular hours
// ---------------------------------------------------------------------------------------------

const pecanSmokeBbq: DemoRestaurant = {
  slug: "pecan-smoke-bbq",
  name: "Pecan Smoke Barbecue",
  description:
    "Central Texas barbecue smoked over post oak and pecan for fourteen hours. When the brisket is gone, it is gone.",
  cuisine: "BBQ",
  priceLevel: 2,
  rating: 4.8,
  location: { lat: 30.2693, lng: -97.7292 },
  address: "1101 E 11th St, Austin, TX 78702",
  phone: "(512) 555-0107",
  timezone: TIMEZONE,
  openingHours: on([TUE, WED, THU, FRI, SAT, SUN], "11:00", "21:00"),
  prepMinutes: 12,
  menu: [
    {
      name: "Smoked Meats",
      items: [
        {
          name: "Prime Brisket (½ lb)",
          description: "Salt-and-pepper rubbed, fourteen hours over oak and pecan.",
          priceCents: 1695,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [choice("Cut", ["Lean", "Moist", "Half and half"])],
        },
        {
          name: "Pork Spare Ribs (½ lb)",
          description: "Sweet-peppery bark, a gentle tug off the bone.",
          priceCents: 1395,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Jalapeño Cheddar Sausage",
          description: "One link, made in house.",
          priceCents: 695,
          dietaryTags: ["gluten_free", "spicy"],
        },
        {
          name: "Pulled Pork (½ lb)",
          description: "Smoked shoulder, pulled to order.",
          priceCents: 1195,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Smoked Turkey Breast (½ lb)",
          description: "Butter-basted and sliced thick.",
          priceCents: 1295,
          dietaryTags: ["gluten_free"],
        },
        {
          name: "Beef Short Rib",
          description: "One massive bone, Saturdays only.",
          priceCents: 3295,
          dietaryTags: ["gluten_free", "dairy_free"],
          available: false,
        },
      ],
    },
    {
      name: "Plates & Sandwiches",
      items: [
        {
          name: "Two-Meat Plate",
          description: "Two meats, two sides, pickles, onions and white bread.",
          priceCents: 2195,
          modifierGroups: [
            {
              name: "Choose two meats",
              minChoices: 2,
              maxChoices: 2,
              options: [
                { name: "Brisket", priceCents: 0 },
                { name: "Spare ribs", priceCents: 0 },
                { name: "Jalapeño cheddar sausage", priceCents: 0 },
                { name: "Pulled pork", priceCents: 0 },
                { name: "Turkey", priceCents: 0 },
              ],
            },
            {
              name: "Choose two sides",
              minChoices: 2,
              maxChoices: 2,
              options: [
                { name: "Potato salad", priceCents: 0 },
                { name: "Coleslaw", priceCents: 0 },
                { name: "Pinto beans", priceCents: 0 },
                { name: "Mac & cheese", priceCents: 100 },
                { name: "Collard greens", priceCents: 0 },
              ],
            },
          ],
        },
        {
          name: "Chopped Brisket Sandwich",
          description: "Chopped brisket in sauce on a toasted bun with pickles and onion.",
          priceCents: 1250,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Frito Pie",
          description: "Corn chips, brisket chili, cheddar, onions and jalapeños.",
          priceCents: 1095,
          dietaryTags: ["gluten_free", "spicy"],
        },
      ],
    },
    {
      name: "Sides",
      items: [
        {
          name: "Mac & Cheese",
          description: "Three cheeses and a crunchy top.",
          priceCents: 495,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Mustard Potato Salad",
          description: "Creamy, tangy and a little sweet.",
          priceCents: 395,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Pinto Beans",
          description: "Simmered with brisket trimmings.",
          priceCents: 395,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Vinegar Coleslaw",
          description: "Crunchy, no mayo.",
          priceCents: 350,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
    {
      name: "Desserts & Drinks",
      items: [
        {
          name: "Banana Pudding",
          description: "Vanilla custard, bananas and wafers.",
          priceCents: 550,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Pecan Pie",
          description: "A slice of the house pie, with a whole lot of pecans.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Sweet Tea",
          description: "Brewed fresh, sweet as Texas.",
          priceCents: 295,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const enchiladaSauce = choice("Sauce", [
  "Chili con carne",
  "Ranchera",
  "Salsa verde",
  "Sour cream",
]);

const casaBluebonnet: DemoRestaurant = {
  slug: "casa-bluebonnet",
  name: "Casa Bluebonnet",
  description:
    "Old-school Tex-Mex with a patio full of string lights: puffy tacos, cheese enchiladas under chili gravy and sizzling fajitas.",
  cuisine: "Tex-Mex",
  priceLevel: 2,
  rating: 4.4,
  location: { lat: 30.2508, lng: -97.7545 },
  address: "1419 S 1st St, Austin, TX 78704",
  phone: "(512) 555-0108",
  timezone: TIMEZONE,
  openingHours: [
    ...on([MON, TUE, WED, THU], "11:00", "22:00"),
    ...on([FRI, SAT], "11:00", "23:00"),
    ...on([SUN], "10:00", "21:00"),
  ],
  prepMinutes: 18,
  menu: [
    {
      name: "Starters",
      items: [
        {
          name: "Chile con Queso",
          description: "Melted cheese with green chiles, served with warm chips.",
          priceCents: 795,
          dietaryTags: ["vegetarian", "gluten_free", "spicy"],
          modifierGroups: [
            {
              name: "Add-ons",
              minChoices: 0,
              maxChoices: 3,
              options: [
                { name: "Scoop of guacamole", priceCents: 250 },
                { name: "Seasoned ground beef", priceCents: 200 },
                { name: "Pico de gallo", priceCents: 75 },
              ],
            },
          ],
        },
        {
          name: "Tableside Guacamole",
          description: "Avocado, lime, onion, serrano and cilantro.",
          priceCents: 895,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Nachos Supreme",
          description: "Beans, cheese, beef, jalapeños, sour cream and guacamole.",
          priceCents: 1195,
          dietaryTags: ["gluten_free"],
        },
        {
          name: "Chicken Tortilla Soup",
          description: "Smoky tomato broth, avocado, crisp tortillas.",
          priceCents: 795,
          dietaryTags: ["gluten_free"],
        },
      ],
    },
    {
      name: "Enchiladas",
      items: [
        {
          name: "Cheese Enchiladas",
          description: "Three cheddar enchiladas with rice and refried beans.",
          priceCents: 1295,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [enchiladaSauce],
        },
        {
          name: "Chicken Enchiladas",
          description: "Shredded chicken, Monterey Jack, rice and beans.",
          priceCents: 1395,
          dietaryTags: ["gluten_free"],
          modifierGroups: [enchiladaSauce],
        },
        {
          name: "Beef Enchiladas",
          description: "Seasoned ground beef and cheddar.",
          priceCents: 1395,
          dietaryTags: ["gluten_free"],
          modifierGroups: [enchiladaSauce],
        },
        {
          name: "Spinach Enchiladas",
          description: "Spinach, mushrooms and Jack cheese.",
          priceCents: 1295,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [enchiladaSauce],
        },
      ],
    },
    {
      name: "Fajitas",
      items: [
        {
          name: "Fajitas for One",
          description: "Sizzling with peppers and onions; rice, beans, pico, guacamole, tortillas.",
          priceCents: 1795,
          modifierGroups: [
            {
              name: "Choose a protein",
              minChoices: 1,
              maxChoices: 1,
              options: [
                { name: "Chicken", priceCents: 0 },
                { name: "Beef skirt steak", priceCents: 300 },
                { name: "Gulf shrimp", priceCents: 400 },
                { name: "Portobello & vegetables", priceCents: 0 },
              ],
            },
            tortilla,
          ],
        },
        {
          name: "Fajitas for Two",
          description: "A full pound of chicken and beef with all the fixings.",
          priceCents: 3395,
          modifierGroups: [tortilla],
        },
      ],
    },
    {
      name: "House Specialties",
      items: [
        {
          name: "Combo No. 1",
          description: "A crispy beef taco, a cheese enchilada and a pork tamale.",
          priceCents: 1495,
        },
        {
          name: "Puffy Tacos",
          description: "Two fried-to-order puffy shells with picadillo, lettuce and tomato.",
          priceCents: 1295,
          dietaryTags: ["gluten_free"],
        },
        {
          name: "Chile Relleno",
          description: "Roasted poblano stuffed with cheese, in ranchero sauce.",
          priceCents: 1495,
          dietaryTags: ["vegetarian"],
          available: false,
        },
      ],
    },
    {
      name: "Desserts",
      items: [
        {
          name: "Sopapillas",
          description: "Puffed pastry with honey and cinnamon sugar.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Tres Leches Cake",
          description: "Soaked sponge with whipped cream and strawberries.",
          priceCents: 695,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
  ],
};

const sushiRice: DemoModifierGroup = {
  name: "Rice",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Sushi rice", priceCents: 0 },
    { name: "Brown rice", priceCents: 100 },
    { name: "Cucumber wrap, no rice", priceCents: 200 },
  ],
};

const rollAddOns: DemoModifierGroup = {
  name: "Add-ons",
  minChoices: 0,
  maxChoices: 3,
  options: [
    { name: "Soy paper", priceCents: 100 },
    { name: "Tempura crunch", priceCents: 75 },
    { name: "Spicy mayo", priceCents: 50 },
    { name: "Eel sauce", priceCents: 50 },
    { name: "Fresh wasabi", priceCents: 250, available: false },
  ],
};

const kawaSushi: DemoRestaurant = {
  slug: "kawa-sushi",
  name: "Kawa Sushi Bar",
  description:
    "A twelve-seat sushi counter on Burnet Road with fish flown in from Toyosu and the Gulf. Nigiri, hand rolls and a few Texas twists.",
  cuisine: "Sushi",
  priceLevel: 3,
  rating: 4.6,
  location: { lat: 30.314, lng: -97.742 },
  address: "4600 Burnet Rd, Austin, TX 78756",
  phone: "(512) 555-0109",
  timezone: TIMEZONE,
  openingHours: [
    ...on([TUE, WED, THU, FRI, SAT, SUN], "11:30", "14:00"),
    ...on([TUE, WED, THU, SUN], "17:00", "22:00"),
    ...on([FRI, SAT], "17:00", "23:00"),
  ],
  prepMinutes: 22,
  menu: [
    {
      name: "Nigiri (2 pieces)",
      items: [
        {
          name: "Salmon Nigiri",
          description: "Faroe Islands salmon.",
          priceCents: 795,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Bluefin Tuna Nigiri",
          description: "Akami, lean and clean.",
          priceCents: 995,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Yellowtail Nigiri",
          description: "Hamachi with a touch of yuzu kosho.",
          priceCents: 895,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
        },
        {
          name: "Unagi Nigiri",
          description: "Grilled freshwater eel with sweet tare.",
          priceCents: 895,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Hokkaido Scallop Nigiri",
          description: "Sweet and buttery; when we can get it.",
          priceCents: 1095,
          dietaryTags: ["gluten_free", "dairy_free"],
          available: false,
        },
        {
          name: "Tamago Nigiri",
          description: "Sweet layered omelette.",
          priceCents: 595,
          dietaryTags: ["vegetarian", "dairy_free"],
        },
      ],
    },
    {
      name: "Maki & Hand Rolls",
      items: [
        {
          name: "Spicy Tuna Roll",
          description: "Tuna, chili oil, scallion and cucumber.",
          priceCents: 995,
          dietaryTags: ["spicy", "dairy_free"],
          modifierGroups: [sushiRice, rollAddOns],
        },
        {
          name: "California Roll",
          description: "Snow crab, avocado and cucumber.",
          priceCents: 895,
          modifierGroups: [sushiRice, rollAddOns],
        },
        {
          name: "Avocado Cucumber Roll",
          description: "Simple and clean.",
          priceCents: 650,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [sushiRice],
        },
        {
          name: "Salmon Skin Hand Roll",
          description: "Crisp salmon skin, pickled burdock and shiso.",
          priceCents: 695,
          dietaryTags: ["dairy_free"],
        },
      ],
    },
    {
      name: "Signature Rolls",
      items: [
        {
          name: "Bat Bridge Roll",
          description: "Shrimp tempura and avocado under torched spicy tuna and black tobiko.",
          priceCents: 1795,
          dietaryTags: ["spicy"],
          modifierGroups: [sushiRice, rollAddOns],
        },
        {
          name: "Hill Country Roll",
          description: "Smoked brisket, pickled jalapeño and avocado, topped with crispy onion.",
          priceCents: 1595,
          dietaryTags: ["spicy"],
          modifierGroups: [sushiRice, rollAddOns],
        },
        {
          name: "Rainbow Roll",
          description: "California roll wrapped in five kinds of fish.",
          priceCents: 1695,
          modifierGroups: [sushiRice, rollAddOns],
        },
      ],
    },
    {
      name: "Small Plates",
      items: [
        {
          name: "Edamame",
          description: "Steamed soybeans in the pod.",
          priceCents: 550,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [choice("Seasoning", ["Sea salt", "Spicy garlic"])],
        },
        {
          name: "Yellowtail Jalapeño",
          description: "Thin-sliced hamachi, ponzu, jalapeño and cilantro.",
          priceCents: 1695,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
        },
        {
          name: "Pork Gyoza",
          description: "Six pan-fried dumplings with chili vinegar.",
          priceCents: 795,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Omakase Nigiri",
          description: "Ten pieces of the chef's choice from today's fish.",
          priceCents: 4800,
          dietaryTags: ["dairy_free"],
        },
      ],
    },
  ],
};

const ramenToppings: DemoModifierGroup = {
  name: "Toppings",
  minChoices: 0,
  maxChoices: 5,
  options: [
    { name: "Ajitama egg", priceCents: 250 },
    { name: "Extra chashu", priceCents: 400 },
    { name: "Sweet corn", priceCents: 150 },
    { name: "Nori", priceCents: 100 },
    { name: "Menma", priceCents: 150 },
    { name: "Black garlic oil", priceCents: 150, available: false },
  ],
};

const noodleFirmness = choice("Noodle firmness", ["Soft", "Regular", "Firm"]);

const yuzuLanternRamen: DemoRestaurant = {
  slug: "yuzu-lantern-ramen",
  name: "Yuzu Lantern Ramen",
  description:
    "Rich tonkotsu, bright shio and a fiery miso, with noodles made in the back room every morning. Late nights on weekends.",
  cuisine: "Ramen",
  priceLevel: 2,
  rating: 4.5,
  location: { lat: 30.2608, lng: -97.7178 },
  address: "2100 E 7th St, Austin, TX 78702",
  phone: "(512) 555-0110",
  timezone: TIMEZONE,
  openingHours: [
    ...on(WEEK, "11:00", "15:00"),
    ...on([SUN, MON, TUE, WED, THU], "17:00", "23:00"),
    ...on([FRI, SAT], "17:00", "01:00"),
  ],
  prepMinutes: 16,
  menu: [
    {
      name: "Ramen",
      items: [
        {
          name: "Tonkotsu Ramen",
          description: "Creamy pork-bone broth, chashu, scallion, wood ear and a soft egg.",
          priceCents: 1495,
          dietaryTags: ["dairy_free"],
          modifierGroups: [noodleFirmness, ramenToppings],
        },
        {
          name: "Shoyu Ramen",
          description: "Clear chicken and dashi broth seasoned with aged soy.",
          priceCents: 1395,
          dietaryTags: ["dairy_free"],
          modifierGroups: [noodleFirmness, ramenToppings],
        },
        {
          name: "Spicy Miso Ramen",
          description: "Red miso, chili paste, ground pork and bean sprouts.",
          priceCents: 1495,
          dietaryTags: ["spicy", "dairy_free"],
          modifierGroups: [noodleFirmness, spiceLevel("Volcano"), ramenToppings],
        },
        {
          name: "Yuzu Shio Ramen",
          description: "Light sea-salt broth, yuzu peel, chicken chashu.",
          priceCents: 1450,
          dietaryTags: ["dairy_free"],
          modifierGroups: [noodleFirmness, ramenToppings],
        },
        {
          name: "Vegan Tantanmen",
          description: "Sesame-soy milk broth, chili oil and crumbled tofu.",
          priceCents: 1395,
          dietaryTags: ["vegan", "spicy"],
          modifierGroups: [noodleFirmness, spiceLevel("Volcano")],
        },
      ],
    },
    {
      name: "Rice Bowls",
      items: [
        {
          name: "Chashu Don",
          description: "Torched pork belly over rice with pickled ginger.",
          priceCents: 1095,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Karaage Don",
          description: "Japanese fried chicken over rice with Kewpie and scallion.",
          priceCents: 1095,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Teriyaki Tofu Don",
          description: "Glazed tofu, sesame and furikake.",
          priceCents: 995,
          dietaryTags: ["vegan"],
        },
      ],
    },
    {
      name: "Small Plates",
      items: [
        {
          name: "Chicken Karaage",
          description: "Ginger-soy marinated and double-fried, with lemon.",
          priceCents: 895,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Shishito Peppers",
          description: "Blistered, with sea salt and bonito flakes.",
          priceCents: 695,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Takoyaki",
          description: "Octopus fritters with okonomi sauce and bonito.",
          priceCents: 895,
        },
      ],
    },
    {
      name: "Drinks",
      items: [
        {
          name: "Iced Matcha Latte",
          description: "Ceremonial-grade matcha with milk.",
          priceCents: 495,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Yuzu Soda",
          description: "House yuzu syrup and sparkling water.",
          priceCents: 395,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const thaiProtein: DemoModifierGroup = {
  name: "Choose a protein",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Tofu", priceCents: 0 },
    { name: "Chicken", priceCents: 0 },
    { name: "Beef", priceCents: 200 },
    { name: "Shrimp", priceCents: 300 },
    { name: "Crispy duck", priceCents: 500, available: false },
  ],
};

const thaiSpice = choice("Spice level", ["Mild", "Medium", "Hot", "Thai hot"]);

const baanMaliThai: DemoRestaurant = {
  slug: "baan-mali-thai",
  name: "Baan Mali Thai Kitchen",
  description:
    "A family-run Thai kitchen in a converted bungalow. Curries from grandmother's recipes, wok-fired noodles and khao soi on Sundays and every other day.",
  cuisine: "Thai",
  priceLevel: 2,
  rating: 4.5,
  location: { lat: 30.2362, lng: -97.7548 },
  address: "2810 S Congress Ave, Austin, TX 78704",
  phone: "(512) 555-0111",
  timezone: TIMEZONE,
  openingHours: [
    ...on([MON, TUE, WED, THU, FRI, SAT], "11:00", "21:30"),
    ...on([SUN], "12:00", "21:00"),
  ],
  prepMinutes: 20,
  menu: [
    {
      name: "Appetizers",
      items: [
        {
          name: "Fresh Rolls",
          description: "Rice paper, herbs, vermicelli and tofu with peanut sauce.",
          priceCents: 695,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Crispy Spring Rolls",
          description: "Cabbage, carrot and glass noodles with sweet chili sauce.",
          priceCents: 650,
          dietaryTags: ["vegan"],
        },
        {
          name: "Chicken Satay",
          description: "Turmeric-coconut skewers with peanut sauce and cucumber relish.",
          priceCents: 895,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
      ],
    },
    {
      name: "Curries",
      items: [
        {
          name: "Green Curry",
          description: "Coconut milk, Thai eggplant, bamboo shoots and basil.",
          priceCents: 1395,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
          modifierGroups: [thaiProtein, thaiSpice],
        },
        {
          name: "Panang Curry",
          description: "Thick, rich red curry with kaffir lime leaf.",
          priceCents: 1395,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
          modifierGroups: [thaiProtein, thaiSpice],
        },
        {
          name: "Massaman Curry",
          description: "Potatoes, onion and peanuts in a warm-spiced curry.",
          priceCents: 1450,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [thaiProtein, thaiSpice],
        },
        {
          name: "Yellow Curry",
          description: "Mild turmeric curry with potato and carrot.",
          priceCents: 1350,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [thaiProtein, thaiSpice],
        },
      ],
    },
    {
      name: "Noodles & Rice",
      items: [
        {
          name: "Pad Thai",
          description: "Rice noodles, egg, tamarind, bean sprouts and crushed peanuts.",
          priceCents: 1295,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [thaiProtein, thaiSpice],
        },
        {
          name: "Pad See Ew",
          description: "Wide noodles, Chinese broccoli, egg and sweet soy.",
          priceCents: 1295,
          dietaryTags: ["dairy_free"],
          modifierGroups: [thaiProtein, thaiSpice],
        },
        {
          name: "Drunken Noodles",
          description: "Wide noodles, holy basil, chiles and peppers.",
          priceCents: 1295,
          dietaryTags: ["dairy_free", "spicy"],
          modifierGroups: [thaiProtein, thaiSpice],
        },
        {
          name: "Pineapple Fried Rice",
          description: "Jasmine rice, pineapple, cashews, raisins and curry powder.",
          priceCents: 1350,
          dietaryTags: ["dairy_free"],
          modifierGroups: [thaiProtein],
        },
        {
          name: "Khao Soi",
          description: "Northern curry noodle soup with braised chicken and crispy noodles.",
          priceCents: 1495,
          dietaryTags: ["dairy_free", "spicy"],
        },
      ],
    },
    {
      name: "Soups & Salads",
      items: [
        {
          name: "Tom Kha Gai",
          description: "Coconut-galangal soup with chicken and mushrooms.",
          priceCents: 795,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Larb Gai",
          description: "Minced chicken, lime, toasted rice powder, mint and chile.",
          priceCents: 1195,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
        },
        {
          name: "Som Tum",
          description: "Green papaya salad, lime, chile and peanuts.",
          priceCents: 995,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
          modifierGroups: [thaiSpice],
        },
      ],
    },
    {
      name: "Desserts",
      items: [
        {
          name: "Mango Sticky Rice",
          description: "Ripe mango, coconut sticky rice and sesame.",
          priceCents: 795,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Thai Iced Tea",
          description: "Strong spiced tea with sweetened condensed milk.",
          priceCents: 450,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
      ],
    },
  ],
};

const indianSpice = choice("Spice level", ["Mild", "Medium", "Hot", "Indian hot"]);

const riceOrNaan: DemoModifierGroup = {
  name: "Add rice or naan",
  minChoices: 0,
  maxChoices: 2,
  options: [
    { name: "Basmati rice", priceCents: 300 },
    { name: "Plain naan", priceCents: 300 },
    { name: "Garlic naan", priceCents: 350 },
  ],
};

const saffronRail: DemoRestaurant = {
  slug: "saffron-rail",
  name: "Saffron Rail Indian Kitchen",
  description:
    "North Indian cooking inspired by the dining cars of the Frontier Mail: a clay tandoor, slow-simmered curries and halal meats.",
  cuisine: "Indian",
  priceLevel: 2,
  rating: 4.6,
  location: { lat: 30.3035, lng: -97.743 },
  address: "1100 W 34th St, Austin, TX 78705",
  phone: "(512) 555-0112",
  timezone: TIMEZONE,
  openingHours: [...on(WEEK, "11:00", "14:30"), ...on(WEEK, "17:00", "22:00")],
  prepMinutes: 20,
  menu: [
    {
      name: "Starters",
      items: [
        {
          name: "Vegetable Samosas",
          description: "Two pastries filled with spiced potato and peas; tamarind chutney.",
          priceCents: 595,
          dietaryTags: ["vegan"],
        },
        {
          name: "Paneer Pakora",
          description: "Chickpea-battered paneer fritters with mint chutney.",
          priceCents: 695,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Samosa Chaat",
          description: "Crushed samosa, chickpeas, yogurt and chutneys.",
          priceCents: 695,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
    {
      name: "Curries",
      items: [
        {
          name: "Chicken Tikka Masala",
          description: "Charred tikka in a creamy tomato-fenugreek sauce.",
          priceCents: 1595,
          dietaryTags: ["gluten_free", "halal"],
          modifierGroups: [indianSpice, riceOrNaan],
        },
        {
          name: "Butter Chicken",
          description: "Tandoori chicken in a silky tomato-butter gravy.",
          priceCents: 1595,
          dietaryTags: ["gluten_free", "halal"],
          modifierGroups: [indianSpice, riceOrNaan],
        },
        {
          name: "Saag Paneer",
          description: "Spinach and mustard greens with house-made paneer.",
          priceCents: 1395,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [indianSpice, riceOrNaan],
        },
        {
          name: "Chana Masala",
          description: "Chickpeas simmered with onion, tomato and amchur.",
          priceCents: 1295,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [indianSpice, riceOrNaan],
        },
        {
          name: "Lamb Vindaloo",
          description: "Goan-style lamb with vinegar, chiles and potato.",
          priceCents: 1795,
          dietaryTags: ["gluten_free", "dairy_free", "halal", "spicy"],
          modifierGroups: [indianSpice, riceOrNaan],
        },
        {
          name: "Dal Tadka",
          description: "Yellow lentils tempered with cumin, garlic and dried chile.",
          priceCents: 1195,
          dietaryTags: ["vegan", "gluten_free"],
          modifierGroups: [indianSpice, riceOrNaan],
        },
      ],
    },
    {
      name: "Tandoor & Biryani",
      items: [
        {
          name: "Tandoori Chicken",
          description: "Half a chicken marinated in yogurt and Kashmiri chile.",
          priceCents: 1595,
          dietaryTags: ["gluten_free", "halal"],
        },
        {
          name: "Seekh Kebab",
          description: "Minced lamb skewers with onion salad.",
          priceCents: 1495,
          dietaryTags: ["gluten_free", "dairy_free", "halal"],
        },
        {
          name: "Dum Biryani",
          description: "Layered basmati rice, saffron and fried onions, with raita.",
          priceCents: 1595,
          dietaryTags: ["gluten_free"],
          modifierGroups: [
            {
              name: "Choose a protein",
              minChoices: 1,
              maxChoices: 1,
              options: [
                { name: "Chicken", priceCents: 0 },
                { name: "Goat", priceCents: 300 },
                { name: "Vegetable", priceCents: 0 },
              ],
            },
            indianSpice,
          ],
        },
      ],
    },
    {
      name: "Breads",
      items: [
        {
          name: "Butter Naan",
          description: "From the tandoor, brushed with butter.",
          priceCents: 350,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Garlic Naan",
          description: "Garlic and cilantro.",
          priceCents: 395,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Peshawari Naan",
          description: "Stuffed with coconut, almonds and raisins.",
          priceCents: 450,
          dietaryTags: ["vegetarian"],
          available: false,
        },
        {
          name: "Tandoori Roti",
          description: "Whole wheat, no butter.",
          priceCents: 300,
          dietaryTags: ["vegan"],
        },
      ],
    },
    {
      name: "Drinks",
      items: [
        {
          name: "Mango Lassi",
          description: "Alphonso mango and yogurt.",
          priceCents: 495,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Masala Chai",
          description: "Black tea brewed with milk, ginger and cardamom.",
          priceCents: 395,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
      ],
    },
  ],
};

const plateBase = choice("Base", ["Rice pilaf", "Greek salad", "Half and half"]);

const mezzeAddOns: DemoModifierGroup = {
  name: "Add-ons",
  minChoices: 0,
  maxChoices: 4,
  options: [
    { name: "Extra hummus", priceCents: 250 },
    { name: "Feta", priceCents: 200 },
    { name: "Garlic toum", priceCents: 100 },
    { name: "Extra pita", priceCents: 150 },
  ],
};

const oliveAndCedar: DemoRestaurant = {
  slug: "olive-and-cedar",
  name: "Olive & Cedar",
  description:
    "Lebanese and Greek home cooking in Clarksville: charcoal-grilled halal meats, whipped hummus and pita baked to order.",
  cuisine: "Mediterranean",
  priceLevel: 2,
  rating: 4.5,
  location: { lat: 30.2733, lng: -97.7575 },
  address: "1509 W 6th St, Austin, TX 78703",
  phone: "(512) 555-0113",
  timezone: TIMEZONE,
  openingHours: [
    ...on([MON, TUE, WED, THU, FRI, SAT], "11:00", "21:00"),
    ...on([SUN], "11:00", "20:00"),
  ],
  prepMinutes: 15,
  menu: [
    {
      name: "Mezze",
      items: [
        {
          name: "Whipped Hummus",
          description: "Chickpeas, tahini, lemon and olive oil, with warm pita.",
          priceCents: 695,
          dietaryTags: ["vegan"],
        },
        {
          name: "Baba Ghanoush",
          description: "Fire-roasted eggplant, tahini and pomegranate.",
          priceCents: 750,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Falafel",
          description: "Six herb falafel with tahini sauce.",
          priceCents: 695,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Tabbouleh",
          description: "Parsley, mint, bulgur, tomato and lemon.",
          priceCents: 650,
          dietaryTags: ["vegan"],
        },
        {
          name: "Spanakopita",
          description: "Spinach and feta in flaky phyllo.",
          priceCents: 795,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
    {
      name: "Plates",
      items: [
        {
          name: "Chicken Shawarma Plate",
          description: "Spit-roasted chicken with garlic toum, pickles and pita.",
          priceCents: 1495,
          dietaryTags: ["halal", "dairy_free"],
          modifierGroups: [plateBase, mezzeAddOns],
        },
        {
          name: "Lamb Kofta Plate",
          description: "Charcoal-grilled lamb and beef kofta with tzatziki.",
          priceCents: 1695,
          dietaryTags: ["halal"],
          modifierGroups: [plateBase, mezzeAddOns],
        },
        {
          name: "Falafel Plate",
          description: "Falafel, hummus, tabbouleh and pickled turnips.",
          priceCents: 1295,
          dietaryTags: ["vegan"],
          modifierGroups: [plateBase, mezzeAddOns],
        },
      ],
    },
    {
      name: "Wraps",
      items: [
        {
          name: "Chicken Shawarma Wrap",
          description: "Shawarma, toum, pickles and fries in thin saj bread.",
          priceCents: 1150,
          dietaryTags: ["halal", "dairy_free"],
        },
        {
          name: "Beef & Lamb Gyro",
          description: "Tomato, onion and tzatziki in grilled pita.",
          priceCents: 1195,
          dietaryTags: ["halal"],
        },
        {
          name: "Halloumi Wrap",
          description: "Grilled halloumi, tomato, cucumber and mint.",
          priceCents: 1095,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
    {
      name: "Sweets & Drinks",
      items: [
        {
          name: "Pistachio Baklava",
          description: "Three pieces, with orange-blossom syrup.",
          priceCents: 450,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Mint Lemonade",
          description: "Blended with fresh mint.",
          priceCents: 450,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const injera: DemoModifierGroup = {
  name: "Injera",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Teff and wheat injera", priceCents: 0 },
    { name: "100% teff injera", priceCents: 200 },
  ],
};

const injeraTable: DemoRestaurant = {
  slug: "injera-table",
  name: "Injera Table",
  description:
    "Ethiopian stews served family-style on sourdough injera, with a coffee ceremony every Sunday afternoon.",
  cuisine: "Ethiopian",
  priceLevel: 2,
  rating: 4.7,
  location: { lat: 30.2835, lng: -97.716 },
  address: "2209 E Martin Luther King Jr Blvd, Austin, TX 78702",
  phone: "(512) 555-0114",
  timezone: TIMEZONE,
  openingHours: [
    ...on([WED, THU, SUN, MON], "12:00", "21:00"),
    ...on([FRI, SAT], "12:00", "22:00"),
  ],
  prepMinutes: 25,
  menu: [
    {
      name: "Meat Dishes",
      items: [
        {
          name: "Doro Wat",
          description: "Chicken and egg in a deep berbere sauce, simmered for hours.",
          priceCents: 1695,
          dietaryTags: ["spicy", "dairy_free"],
          modifierGroups: [injera],
        },
        {
          name: "Key Wat",
          description: "Beef stew in berbere and niter kibbeh.",
          priceCents: 1595,
          dietaryTags: ["spicy"],
          modifierGroups: [injera],
        },
        {
          name: "Beef Tibs",
          description: "Sautéed beef with onion, rosemary and jalapeño.",
          priceCents: 1695,
          modifierGroups: [choice("Spice level", ["Mild", "Medium", "Awaze hot"]), injera],
        },
        {
          name: "Kitfo",
          description: "Minced beef with mitmita and spiced butter, with ayib cheese.",
          priceCents: 1795,
          modifierGroups: [
            choice("How it's cooked", ["Raw", "Leb leb (rare)", "Well done"]),
            injera,
          ],
        },
        {
          name: "Yebeg Alicha",
          description: "Mild lamb stew with turmeric and ginger.",
          priceCents: 1795,
          dietaryTags: ["dairy_free", "halal"],
          modifierGroups: [injera],
        },
      ],
    },
    {
      name: "Vegetarian Dishes",
      items: [
        {
          name: "Misir Wat",
          description: "Red lentils in berbere.",
          priceCents: 1195,
          dietaryTags: ["vegan", "spicy"],
          modifierGroups: [injera],
        },
        {
          name: "Shiro",
          description: "Silky ground chickpea stew.",
          priceCents: 1195,
          dietaryTags: ["vegan"],
          modifierGroups: [injera],
        },
        {
          name: "Gomen",
          description: "Collard greens with garlic and ginger.",
          priceCents: 1095,
          dietaryTags: ["vegan"],
          modifierGroups: [injera],
        },
        {
          name: "Atakilt Wat",
          description: "Cabbage, carrots and potatoes with turmeric.",
          priceCents: 1095,
          dietaryTags: ["vegan"],
          modifierGroups: [injera],
        },
      ],
    },
    {
      name: "Combos",
      items: [
        {
          name: "Vegetarian Combo",
          description: "Four vegetable dishes on a shared platter of injera.",
          priceCents: 1895,
          dietaryTags: ["vegan"],
          modifierGroups: [
            {
              name: "Choose four",
              minChoices: 4,
              maxChoices: 4,
              options: [
                { name: "Misir wat", priceCents: 0 },
                { name: "Shiro", priceCents: 0 },
                { name: "Gomen", priceCents: 0 },
                { name: "Atakilt wat", priceCents: 0 },
                { name: "Kik alicha", priceCents: 0 },
                { name: "Fosolia", priceCents: 0 },
                { name: "Azifa", priceCents: 0, available: false },
              ],
            },
            injera,
          ],
        },
        {
          name: "Meat & Veggie Combo",
          description: "One meat dish and two vegetable dishes for sharing.",
          priceCents: 2495,
          modifierGroups: [
            choice("Choose a meat", ["Doro wat", "Key wat", "Beef tibs", "Yebeg alicha"]),
            {
              name: "Choose two vegetables",
              minChoices: 2,
              maxChoices: 2,
              options: [
                { name: "Misir wat", priceCents: 0 },
                { name: "Shiro", priceCents: 0 },
                { name: "Gomen", priceCents: 0 },
                { name: "Atakilt wat", priceCents: 0 },
              ],
            },
            injera,
          ],
        },
      ],
    },
    {
      name: "Sides & Drinks",
      items: [
        {
          name: "Lentil Sambusa",
          description: "Two crisp pastries filled with spiced lentils.",
          priceCents: 450,
          dietaryTags: ["vegan"],
        },
        {
          name: "Extra Injera",
          description: "Two rolls.",
          priceCents: 200,
          dietaryTags: ["vegan"],
        },
        {
          name: "Ethiopian Coffee",
          description: "Roasted to order and brewed in a jebena.",
          priceCents: 450,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const koreanProtein: DemoModifierGroup = {
  name: "Choose a protein",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Beef bulgogi", priceCents: 0 },
    { name: "Spicy pork", priceCents: 100 },
    { name: "Chicken", priceCents: 0 },
    { name: "Tofu", priceCents: 0 },
  ],
};

const seoulPorch: DemoRestaurant = {
  slug: "seoul-porch",
  name: "Seoul Porch",
  description:
    "Korean comfort food off East Riverside: sizzling stone-pot bibimbap, double-fried chicken and bubbling stews.",
  cuisine: "Korean",
  priceLevel: 2,
  rating: 4.4,
  location: { lat: 30.244, lng: -97.7315 },
  address: "1700 E Riverside Dr, Austin, TX 78741",
  phone: "(512) 555-0115",
  timezone: TIMEZONE,
  openingHours: [
    ...on([MON, TUE, WED, THU], "11:30", "21:30"),
    ...on([FRI, SAT], "11:30", "23:30"),
    ...on([SUN], "12:00", "21:00"),
  ],
  prepMinutes: 18,
  menu: [
    {
      name: "Bibimbap & Rice",
      items: [
        {
          name: "Dolsot Bibimbap",
          description: "Rice crisped in a hot stone pot with vegetables, gochujang and egg.",
          priceCents: 1495,
          dietaryTags: ["dairy_free"],
          modifierGroups: [koreanProtein, choice("Egg", ["Fried egg", "Raw yolk", "No egg"])],
        },
        {
          name: "Kimchi Fried Rice",
          description: "Aged kimchi, pork belly and a fried egg.",
          priceCents: 1295,
          dietaryTags: ["spicy", "dairy_free"],
        },
      ],
    },
    {
      name: "Korean Fried Chicken",
      items: [
        {
          name: "Soy Garlic Wings",
          description: "Ten double-fried wings glazed in soy and garlic.",
          priceCents: 1495,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Yangnyeom Wings",
          description: "Sweet-hot gochujang glaze and sesame.",
          priceCents: 1495,
          dietaryTags: ["spicy", "dairy_free"],
        },
        {
          name: "Boneless Fried Chicken",
          description: "Thigh meat, shatteringly crisp, with pickled radish.",
          priceCents: 1395,
          modifierGroups: [
            {
              name: "Sauces",
              minChoices: 1,
              maxChoices: 2,
              options: [
                { name: "Soy garlic", priceCents: 0 },
                { name: "Yangnyeom", priceCents: 0 },
                { name: "Honey butter", priceCents: 0 },
                { name: "Snow cheese", priceCents: 100 },
              ],
            },
          ],
        },
      ],
    },
    {
      name: "Barbecue Plates",
      items: [
        {
          name: "Bulgogi Plate",
          description: "Soy-pear marinated ribeye with rice and banchan.",
          priceCents: 1695,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Galbi Plate",
          description: "Grilled marinated short ribs with rice and banchan.",
          priceCents: 2295,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Spicy Pork Plate",
          description: "Gochujang pork shoulder with onions.",
          priceCents: 1595,
          dietaryTags: ["spicy", "dairy_free"],
        },
      ],
    },
    {
      name: "Stews",
      items: [
        {
          name: "Kimchi Jjigae",
          description: "Aged kimchi, pork and tofu stew with rice.",
          priceCents: 1395,
          dietaryTags: ["spicy", "dairy_free"],
        },
        {
          name: "Soondubu Jjigae",
          description: "Silken tofu stew in a bubbling pot, with rice.",
          priceCents: 1395,
          dietaryTags: ["dairy_free"],
          modifierGroups: [
            choice("Choose a protein", ["Seafood", "Pork", "Beef", "Vegetable"]),
            choice("Spice level", ["Mild", "Medium", "Hot", "Extra hot"]),
          ],
        },
      ],
    },
    {
      name: "Banchan & Sides",
      items: [
        {
          name: "Napa Kimchi",
          description: "Fermented in house for three weeks.",
          priceCents: 395,
          dietaryTags: ["spicy", "dairy_free", "gluten_free"],
        },
        {
          name: "Japchae",
          description: "Sweet potato glass noodles with vegetables and sesame.",
          priceCents: 895,
          dietaryTags: ["vegan"],
        },
        {
          name: "Pork Mandu",
          description: "Six pan-fried dumplings.",
          priceCents: 795,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Cheese Tteokbokki",
          description: "Rice cakes in spicy gochujang sauce with melted mozzarella.",
          priceCents: 995,
          dietaryTags: ["vegetarian", "spicy"],
          available: false,
        },
      ],
    },
  ],
};

const bowlProtein: DemoModifierGroup = {
  name: "Choose a protein",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Baked tofu", priceCents: 0 },
    { name: "Tempeh", priceCents: 100 },
    { name: "Seitan", priceCents: 100 },
    { name: "Black beans", priceCents: 0 },
  ],
};

const greenGrackle: DemoRestaurant = {
  slug: "green-grackle",
  name: "The Green Grackle",
  description:
    "A plant-based kitchen on Manor Road where everything on the menu is vegan, including the cheesecake. Big bowls, bigger sandwiches.",
  cuisine: "Vegan",
  priceLevel: 2,
  rating: 4.6,
  location: { lat: 30.287, lng: -97.7075 },
  address: "3110 Manor Rd, Austin, TX 78723",
  phone: "(512) 555-0116",
  timezone: TIMEZONE,
  openingHours: [
    ...on([TUE, WED, THU, FRI], "08:00", "21:00"),
    ...on([SAT, SUN], "09:00", "21:00"),
    ...on([MON], "08:00", "15:00"),
  ],
  prepMinutes: 15,
  menu: [
    {
      name: "Breakfast",
      items: [
        {
          name: "Tofu Scramble Plate",
          description: "Turmeric tofu scramble, roasted potatoes, avocado and toast.",
          priceCents: 1195,
          dietaryTags: ["vegan", "dairy_free"],
        },
        {
          name: "Sweet Potato Breakfast Taco",
          description: "Roasted sweet potato, black beans, tofu and salsa verde.",
          priceCents: 395,
          dietaryTags: ["vegan", "dairy_free", "gluten_free"],
        },
        {
          name: "Banana Oat Pancakes",
          description: "With maple syrup and coconut whip.",
          priceCents: 1095,
          dietaryTags: ["vegan", "dairy_free"],
        },
      ],
    },
    {
      name: "Bowls",
      items: [
        {
          name: "Grackle Power Bowl",
          description: "Quinoa, kale, roasted squash, pickled onion and seeds.",
          priceCents: 1350,
          dietaryTags: ["vegan", "gluten_free", "dairy_free"],
          modifierGroups: [
            bowlProtein,
            choice("Dressing", ["Lemon tahini", "Cilantro lime", "Peanut ginger"]),
          ],
        },
        {
          name: "Jackfruit Carnitas Bowl",
          description: "Braised jackfruit, cilantro rice, black beans and pico.",
          priceCents: 1350,
          dietaryTags: ["vegan", "gluten_free", "dairy_free", "spicy"],
        },
        {
          name: "Macro Bowl",
          description: "Brown rice, greens, sea vegetables, beans and miso-ginger dressing.",
          priceCents: 1295,
          dietaryTags: ["vegan", "dairy_free"],
          modifierGroups: [bowlProtein],
        },
      ],
    },
    {
      name: "Sandwiches & Tacos",
      items: [
        {
          name: "BBQ Jackfruit Sandwich",
          description: "Smoky pulled jackfruit, slaw and pickles on a pretzel bun.",
          priceCents: 1195,
          dietaryTags: ["vegan", "dairy_free"],
        },
        {
          name: "Tempeh Reuben",
          description: "Marinated tempeh, sauerkraut, cashew Swiss and Russian dressing.",
          priceCents: 1250,
          dietaryTags: ["vegan", "dairy_free"],
        },
        {
          name: "Seitan Philly",
          description: "Shaved seitan, peppers, onions and vegan queso.",
          priceCents: 1295,
          dietaryTags: ["vegan", "dairy_free"],
        },
        {
          name: "Cauliflower Tacos",
          description: "Two crispy cauliflower tacos with chipotle crema.",
          priceCents: 1095,
          dietaryTags: ["vegan", "dairy_free", "spicy"],
          modifierGroups: [tortilla],
        },
      ],
    },
    {
      name: "Sweets & Juices",
      items: [
        {
          name: "Cashew Cheesecake",
          description: "Raw cashew filling on a date-pecan crust.",
          priceCents: 695,
          dietaryTags: ["vegan", "gluten_free", "dairy_free"],
        },
        {
          name: "Chocolate Chip Cookie",
          description: "Big, chewy and egg-free.",
          priceCents: 350,
          dietaryTags: ["vegan", "dairy_free", "nut_free"],
        },
        {
          name: "Green Machine Juice",
          description: "Kale, cucumber, celery, apple, lemon and ginger.",
          priceCents: 795,
          dietaryTags: ["vegan", "gluten_free", "dairy_free", "nut_free"],
        },
      ],
    },
  ],
};

const leafAndLimestone: DemoRestaurant = {
  slug: "leaf-and-limestone",
  name: "Leaf & Limestone",
  description:
    "Chopped salads and warm grain bowls for the downtown lunch crowd, with greens from farms east of the city.",
  cuisine: "Salads",
  priceLevel: 2,
  rating: 4.3,
  location: { lat: 30.2654, lng: -97.7478 },
  address: "500 W 2nd St, Austin, TX 78701",
  phone: "(512) 555-0117",
  timezone: TIMEZONE,
  openingHours: [
    ...on([MON, TUE, WED, THU, FRI], "10:30", "20:00"),
    ...on([SAT, SUN], "11:00", "18:00"),
  ],
  prepMinutes: 10,
  menu: [
    {
      name: "Chopped Salads",
      items: [
        {
          name: "Limestone Cobb",
          description: "Chicken, bacon, egg, avocado, blue cheese and tomato; ranch.",
          priceCents: 1395,
          dietaryTags: ["gluten_free"],
        },
        {
          name: "Kale Caesar",
          description: "Tuscan kale, parmesan, sourdough crumbs and lemon.",
          priceCents: 1195,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Southwest Crunch",
          description: "Romaine, black beans, corn, cotija, tortilla strips, chipotle ranch.",
          priceCents: 1295,
          dietaryTags: ["vegetarian", "spicy"],
        },
        {
          name: "Harvest Salad",
          description: "Greens, roasted sweet potato, apple, goat cheese and candied pecans.",
          priceCents: 1250,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Greek Salad",
          description: "Romaine, cucumber, tomato, olives, feta and oregano vinaigrette.",
          priceCents: 1195,
          dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
        },
      ],
    },
    {
      name: "Warm Bowls",
      items: [
        {
          name: "Chicken Pesto Grain Bowl",
          description: "Farro, roasted chicken, tomatoes, arugula and basil pesto.",
          priceCents: 1395,
        },
        {
          name: "Salmon & Quinoa Bowl",
          description: "Roasted salmon, quinoa, cucumber and lemon-dill dressing.",
          priceCents: 1595,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Roasted Vegetable Bowl",
          description: "Brown rice, seasonal vegetables, chickpeas and tahini.",
          priceCents: 1195,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
    {
      name: "Build Your Own",
      items: [
        {
          name: "Build Your Own Salad",
          description: "Pick your greens, toppings, a protein and a dressing.",
          priceCents: 1095,
          modifierGroups: [
            choice("Greens", ["Romaine", "Kale", "Spinach", "Arugula"]),
            {
              name: "Toppings",
              minChoices: 0,
              maxChoices: 5,
              options: [
                { name: "Cucumber", priceCents: 0 },
                { name: "Cherry tomatoes", priceCents: 0 },
                { name: "Pickled red onion", priceCents: 0 },
                { name: "Chickpeas", priceCents: 0 },
                { name: "Roasted corn", priceCents: 0 },
                { name: "Quinoa", priceCents: 0 },
                { name: "Roasted sweet potato", priceCents: 0 },
              ],
            },
            {
              name: "Premium toppings",
              minChoices: 0,
              maxChoices: 3,
              options: [
                { name: "Avocado", priceCents: 200 },
                { name: "Goat cheese", priceCents: 175 },
                { name: "Bacon", priceCents: 200 },
                { name: "Hard-boiled egg", priceCents: 125 },
              ],
            },
            {
              name: "Protein",
              minChoices: 0,
              maxChoices: 1,
              options: [
                { name: "Grilled chicken", priceCents: 350 },
                { name: "Roasted salmon", priceCents: 550 },
                { name: "Baked tofu", priceCents: 250 },
                { name: "Grilled steak", priceCents: 500, available: false },
              ],
            },
            {
              name: "Dressing",
              minChoices: 1,
              maxChoices: 2,
              options: [
                { name: "Balsamic", priceCents: 0 },
                { name: "Lemon tahini", priceCents: 0 },
                { name: "Green goddess", priceCents: 0 },
                { name: "Caesar", priceCents: 0 },
                { name: "Buttermilk ranch", priceCents: 0 },
              ],
            },
          ],
        },
      ],
    },
    {
      name: "Drinks",
      items: [
        {
          name: "Fresh Lemonade",
          description: "Lemons, cane sugar, water.",
          priceCents: 395,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Cold-Pressed Juice",
          description: "Carrot, orange, turmeric and ginger.",
          priceCents: 695,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const islandTidePoke: DemoRestaurant = {
  slug: "island-tide-poke",
  name: "Island Tide Poke",
  description:
    "Hawaiian-style poke by West Campus: sushi-grade fish cubed to order over warm rice, with plenty of crunchy toppings.",
  cuisine: "Poke",
  priceLevel: 2,
  rating: 4.4,
  location: { lat: 30.286, lng: -97.746 },
  address: "2222 Rio Grande St, Austin, TX 78705",
  phone: "(512) 555-0118",
  timezone: TIMEZONE,
  openingHours: on(WEEK, "11:00", "21:00"),
  prepMinutes: 10,
  menu: [
    {
      name: "Signature Bowls",
      items: [
        {
          name: "Classic Ahi Bowl",
          description: "Ahi, shoyu, sweet onion, scallion and sesame over rice.",
          priceCents: 1495,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Spicy Salmon Bowl",
          description: "Salmon in sriracha aioli, cucumber, masago and furikake.",
          priceCents: 1495,
          dietaryTags: ["spicy"],
        },
        {
          name: "Tofu Shoyu Bowl",
          description: "Marinated tofu, edamame, seaweed salad and crispy garlic.",
          priceCents: 1295,
          dietaryTags: ["vegan"],
        },
        {
          name: "Hamachi Yuzu Bowl",
          description: "Yellowtail, yuzu ponzu, jalapeño and avocado.",
          priceCents: 1595,
          dietaryTags: ["dairy_free", "spicy"],
        },
      ],
    },
    {
      name: "Build a Bowl",
      items: [
        {
          name: "Build Your Own Poke",
          description: "Start with a base, pick your fish, then mix-ins and sauce.",
          priceCents: 1295,
          modifierGroups: [
            {
              name: "Size",
              minChoices: 1,
              maxChoices: 1,
              options: [
                { name: "Regular (two scoops)", priceCents: 0 },
                { name: "Large (three scoops)", priceCents: 400 },
              ],
            },
            {
              name: "Base",
              minChoices: 1,
              maxChoices: 2,
              options: [
                { name: "Sushi rice", priceCents: 0 },
                { name: "Brown rice", priceCents: 0 },
                { name: "Mixed greens", priceCents: 0 },
                { name: "Zucchini noodles", priceCents: 100 },
              ],
            },
            {
              name: "Proteins",
              minChoices: 1,
              maxChoices: 3,
              options: [
                { name: "Ahi tuna", priceCents: 0 },
                { name: "Salmon", priceCents: 0 },
                { name: "Yellowtail", priceCents: 200 },
                { name: "Octopus", priceCents: 200, available: false },
                { name: "Tofu", priceCents: 0 },
                { name: "Cooked shrimp", priceCents: 0 },
              ],
            },
            {
              name: "Mix-ins",
              minChoices: 0,
              maxChoices: 5,
              options: [
                { name: "Cucumber", priceCents: 0 },
                { name: "Edamame", priceCents: 0 },
                { name: "Sweet onion", priceCents: 0 },
                { name: "Mango", priceCents: 0 },
                { name: "Seaweed salad", priceCents: 100 },
                { name: "Masago", priceCents: 100 },
              ],
            },
            {
              name: "Sauce",
              minChoices: 1,
              maxChoices: 2,
              options: [
                { name: "Classic shoyu", priceCents: 0 },
                { name: "Spicy mayo", priceCents: 0 },
                { name: "Ponzu", priceCents: 0 },
                { name: "Wasabi aioli", priceCents: 0 },
              ],
            },
          ],
        },
      ],
    },
    {
      name: "Sides",
      items: [
        {
          name: "Seaweed Salad",
          description: "Wakame with sesame dressing.",
          priceCents: 495,
          dietaryTags: ["vegan"],
        },
        {
          name: "Miso Soup",
          description: "Tofu, wakame and scallion.",
          priceCents: 350,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Spam Musubi",
          description: "Glazed spam on rice, wrapped in nori.",
          priceCents: 495,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Garlic Edamame",
          description: "Tossed in garlic chili oil.",
          priceCents: 550,
          dietaryTags: ["vegan", "gluten_free", "spicy"],
        },
      ],
    },
    {
      name: "Drinks",
      items: [
        {
          name: "Hibiscus Iced Tea",
          description: "Lightly sweetened.",
          priceCents: 395,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Young Coconut Water",
          description: "Straight from the coconut.",
          priceCents: 450,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const dumplingStyle = choice("Style", ["Steamed", "Pan-fried", "Boiled"]);

const twinCraneDumplings: DemoRestaurant = {
  slug: "twin-crane-dumplings",
  name: "Twin Crane Dumpling House",
  description:
    "Hand-pleated dumplings, hand-pulled noodles and Sichuan wok cooking by Mueller Lake. Watch the dumpling makers through the window.",
  cuisine: "Chinese",
  priceLevel: 2,
  rating: 4.5,
  location: { lat: 30.298, lng: -97.7055 },
  address: "1900 Aldrich St, Austin, TX 78723",
  phone: "(512) 555-0119",
  timezone: TIMEZONE,
  openingHours: [
    ...on([TUE, WED, THU, SUN], "11:00", "21:30"),
    ...on([FRI, SAT], "11:00", "22:30"),
  ],
  prepMinutes: 18,
  menu: [
    {
      name: "Dumplings",
      items: [
        {
          name: "Pork & Chive Dumplings",
          description: "Eight dumplings with black vinegar and chili oil.",
          priceCents: 995,
          dietaryTags: ["dairy_free"],
          modifierGroups: [dumplingStyle],
        },
        {
          name: "Soup Dumplings",
          description: "Six xiao long bao with pork and rich broth inside.",
          priceCents: 1195,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Vegetable Dumplings",
          description: "Shiitake, bok choy, glass noodles and tofu.",
          priceCents: 950,
          dietaryTags: ["vegan"],
          modifierGroups: [dumplingStyle],
        },
        {
          name: "Shrimp Har Gow",
          description: "Four translucent shrimp dumplings.",
          priceCents: 1050,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Chili Oil Wontons",
          description: "Pork wontons in Sichuan chili oil, garlic and black vinegar.",
          priceCents: 1050,
          dietaryTags: ["dairy_free", "spicy"],
        },
      ],
    },
    {
      name: "Noodles",
      items: [
        {
          name: "Dan Dan Noodles",
          description: "Hand-pulled noodles, spicy pork, sesame paste and peanuts.",
          priceCents: 1295,
          dietaryTags: ["dairy_free", "spicy"],
        },
        {
          name: "Beef Noodle Soup",
          description: "Braised beef shank in five-spice broth with bok choy.",
          priceCents: 1495,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Scallion Oil Noodles",
          description: "Thin noodles tossed in fried-scallion oil and soy.",
          priceCents: 1050,
          dietaryTags: ["vegan"],
        },
      ],
    },
    {
      name: "From the Wok",
      items: [
        {
          name: "Kung Pao Chicken",
          description: "Chicken, peanuts, dried chiles and Sichuan pepper.",
          priceCents: 1495,
          dietaryTags: ["dairy_free", "spicy"],
          modifierGroups: [spiceLevel("Sichuan hot")],
        },
        {
          name: "Mapo Tofu",
          description: "Silken tofu in a numbing, fiery bean sauce.",
          priceCents: 1295,
          dietaryTags: ["dairy_free", "spicy"],
          modifierGroups: [
            spiceLevel("Sichuan hot"),
            choice("Style", ["With ground pork", "Vegetarian"]),
          ],
        },
        {
          name: "Dry-Fried Green Beans",
          description: "Blistered beans with garlic and preserved vegetable.",
          priceCents: 1150,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Beef & Broccoli",
          description: "Flank steak and broccoli in oyster sauce.",
          priceCents: 1495,
          dietaryTags: ["dairy_free"],
        },
        {
          name: "Salt & Pepper Shrimp",
          description: "Crisp shrimp, jalapeño and garlic.",
          priceCents: 1695,
          dietaryTags: ["dairy_free", "spicy"],
          available: false,
        },
      ],
    },
    {
      name: "Rice & Sides",
      items: [
        {
          name: "Egg Fried Rice",
          description: "Wok-tossed with egg and scallion.",
          priceCents: 950,
          dietaryTags: ["vegetarian", "dairy_free"],
        },
        {
          name: "Scallion Pancake",
          description: "Flaky, pan-fried, with soy dipping sauce.",
          priceCents: 750,
          dietaryTags: ["vegan"],
        },
        {
          name: "Smashed Cucumber Salad",
          description: "Garlic, black vinegar and chili oil.",
          priceCents: 595,
          dietaryTags: ["vegan", "spicy"],
        },
      ],
    },
  ],
};

const pastaChoice: DemoModifierGroup = {
  name: "Pasta",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "House-made", priceCents: 0 },
    { name: "Gluten-free", priceCents: 300 },
  ],
};

const pastaAddOns: DemoModifierGroup = {
  name: "Add-ons",
  minChoices: 0,
  maxChoices: 3,
  options: [
    { name: "Meatballs", priceCents: 500 },
    { name: "Grilled chicken", priceCents: 500 },
    { name: "Gulf shrimp", priceCents: 700 },
    { name: "Extra parmigiano", priceCents: 200 },
  ],
};

const nonnaPiaTrattoria: DemoRestaurant = {
  slug: "nonna-pia-trattoria",
  name: "Nonna Pia Trattoria",
  description:
    "A candle-lit trattoria on South Lamar: pasta rolled by hand every afternoon, Sunday brunch and a long list of amari.",
  cuisine: "Italian",
  priceLevel: 3,
  rating: 4.6,
  location: { lat: 30.254, lng: -97.764 },
  address: "1500 S Lamar Blvd, Austin, TX 78704",
  phone: "(512) 555-0120",
  timezone: TIMEZONE,
  openingHours: [
    ...on([TUE, WED, THU], "17:00", "22:00"),
    ...on([FRI, SAT], "17:00", "23:00"),
    ...on([SUN], "11:00", "14:30"),
    ...on([SUN], "17:00", "21:00"),
  ],
  prepMinutes: 24,
  menu: [
    {
      name: "Antipasti",
      items: [
        {
          name: "Burrata",
          description: "With roasted tomatoes, basil and grilled bread.",
          priceCents: 1495,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Arancini",
          description: "Saffron risotto balls with mozzarella and marinara.",
          priceCents: 1095,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Fritto Misto",
          description: "Fried calamari, shrimp and lemon with aioli.",
          priceCents: 1395,
        },
        {
          name: "Little Gem Caesar",
          description: "Anchovy dressing, parmigiano and breadcrumbs.",
          priceCents: 1095,
        },
      ],
    },
    {
      name: "Pasta",
      items: [
        {
          name: "Cacio e Pepe",
          description: "Tonnarelli, pecorino romano and black pepper.",
          priceCents: 1795,
          dietaryTags: ["vegetarian"],
          modifierGroups: [pastaChoice, pastaAddOns],
        },
        {
          name: "Rigatoni Bolognese",
          description: "Slow-cooked beef and pork ragù.",
          priceCents: 1995,
          modifierGroups: [pastaChoice, pastaAddOns],
        },
        {
          name: "Spaghetti alle Vongole",
          description: "Clams, garlic, white wine and chile.",
          priceCents: 2395,
          dietaryTags: ["dairy_free"],
          modifierGroups: [pastaChoice],
        },
        {
          name: "Lasagna della Nonna",
          description: "Twelve layers, béchamel and ragù.",
          priceCents: 2095,
        },
        {
          name: "Wild Mushroom Pappardelle",
          description: "Brown butter, thyme and parmigiano.",
          priceCents: 1995,
          dietaryTags: ["vegetarian"],
          modifierGroups: [pastaChoice, pastaAddOns],
        },
      ],
    },
    {
      name: "Secondi",
      items: [
        {
          name: "Chicken Parmigiana",
          description: "With spaghetti pomodoro.",
          priceCents: 2495,
        },
        {
          name: "Whole Roasted Branzino",
          description: "Lemon, capers and salsa verde.",
          priceCents: 3195,
          dietaryTags: ["gluten_free", "dairy_free"],
          available: false,
        },
        {
          name: "Eggplant Parmigiana",
          description: "Layered, baked and bubbling.",
          priceCents: 2095,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
    {
      name: "Dolci",
      items: [
        {
          name: "Tiramisù",
          description: "Espresso-soaked ladyfingers and mascarpone.",
          priceCents: 995,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Cannoli",
          description: "Two shells filled to order with ricotta and pistachio.",
          priceCents: 795,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Affogato",
          description: "Vanilla gelato drowned in espresso.",
          priceCents: 695,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
      ],
    },
  ],
};

const brackishFishHouse: DemoRestaurant = {
  slug: "brackish-fish-house",
  name: "Brackish Fish House",
  description:
    "Gulf seafood across from Zilker Park: oysters on ice, blackened redfish, po' boys and a patio that catches the evening breeze.",
  cuisine: "Seafood",
  priceLevel: 3,
  rating: 4.3,
  location: { lat: 30.2615, lng: -97.757 },
  address: "1000 Barton Springs Rd, Austin, TX 78704",
  phone: "(512) 555-0121",
  timezone: TIMEZONE,
  openingHours: [
    ...on([SUN, MON, TUE, WED, THU], "11:00", "22:00"),
    ...on([FRI, SAT], "11:00", "23:00"),
  ],
  prepMinutes: 22,
  menu: [
    {
      name: "Raw Bar",
      items: [
        {
          name: "Gulf Oysters",
          description: "A half dozen on ice with lemon and saltines.",
          priceCents: 1695,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [
            {
              name: "Sauces",
              minChoices: 0,
              maxChoices: 3,
              options: [
                { name: "Cocktail sauce", priceCents: 0 },
                { name: "Mignonette", priceCents: 0 },
                { name: "Fresh horseradish", priceCents: 0 },
                { name: "Habanero hot sauce", priceCents: 0 },
              ],
            },
          ],
        },
        {
          name: "Shrimp Cocktail",
          description: "Six chilled Gulf shrimp.",
          priceCents: 1495,
          dietaryTags: ["gluten_free", "dairy_free"],
        },
        {
          name: "Red Snapper Ceviche",
          description: "Lime, serrano, red onion, cilantro and tostadas.",
          priceCents: 1395,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
        },
      ],
    },
    {
      name: "Fried & Grilled",
      items: [
        {
          name: "Fried Catfish Plate",
          description: "Cornmeal-crusted catfish, fries, slaw and hush puppies.",
          priceCents: 1795,
        },
        {
          name: "Blackened Redfish",
          description: "With dirty rice and lemon-butter sauce.",
          priceCents: 2695,
          dietaryTags: ["gluten_free", "spicy"],
        },
        {
          name: "Fish & Chips",
          description: "Beer-battered cod, fries and malt vinegar.",
          priceCents: 1895,
        },
        {
          name: "Shrimp & Grits",
          description: "Andouille, tasso gravy and stone-ground cheddar grits.",
          priceCents: 2195,
          dietaryTags: ["gluten_free"],
        },
        {
          name: "Grilled Salmon",
          description: "With charred broccolini and herbed rice.",
          priceCents: 2495,
          dietaryTags: ["gluten_free", "dairy_free"],
          modifierGroups: [choice("Cook temperature", ["Medium rare", "Medium", "Well done"])],
        },
      ],
    },
    {
      name: "Po' Boys & Tacos",
      items: [
        {
          name: "Fried Shrimp Po' Boy",
          description: "Dressed with lettuce, tomato, pickles and remoulade.",
          priceCents: 1595,
        },
        {
          name: "Fried Oyster Po' Boy",
          description: "Cornmeal-fried Gulf oysters, dressed.",
          priceCents: 1795,
          available: false,
        },
        {
          name: "Baja Fish Tacos",
          description: "Two beer-battered fish tacos with cabbage and chipotle crema.",
          priceCents: 1450,
          dietaryTags: ["spicy"],
          modifierGroups: [tortilla],
        },
      ],
    },
    {
      name: "Sides",
      items: [
        {
          name: "Hush Puppies",
          description: "With honey butter.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Cajun Fries",
          description: "Dusted with Cajun seasoning.",
          priceCents: 495,
          dietaryTags: ["vegan", "spicy"],
        },
        {
          name: "Seafood Gumbo",
          description: "A cup of dark-roux gumbo with shrimp, crab and andouille.",
          priceCents: 795,
          dietaryTags: ["dairy_free"],
        },
      ],
    },
  ],
};

const iceCreamFlavors: DemoModifierGroup["options"] = [
  { name: "Sweet cream", priceCents: 0 },
  { name: "Mexican vanilla", priceCents: 0 },
  { name: "Dark chocolate", priceCents: 0 },
  { name: "Texas pecan praline", priceCents: 0 },
  { name: "Strawberry buttermilk", priceCents: 0 },
  { name: "Coffee toffee", priceCents: 0 },
  { name: "Coconut lime (vegan)", priceCents: 0 },
  { name: "Peach cobbler", priceCents: 0, available: false },
];

const porchLightCreamery: DemoRestaurant = {
  slug: "porch-light-creamery",
  name: "Porch Light Creamery",
  description:
    "Small-batch ice cream and Texas pies on East Cesar Chavez. Open late, with the porch light on until the last scoop.",
  cuisine: "Dessert",
  priceLevel: 1,
  rating: 4.8,
  location: { lat: 30.2548, lng: -97.718 },
  address: "2400 E Cesar Chavez St, Austin, TX 78702",
  phone: "(512) 555-0122",
  timezone: TIMEZONE,
  openingHours: [
    ...on([SUN, MON, TUE, WED, THU], "12:00", "23:00"),
    ...on([FRI, SAT], "12:00", "00:00"),
  ],
  prepMinutes: 8,
  menu: [
    {
      name: "Ice Cream",
      items: [
        {
          name: "Scoop Cup",
          description: "Two scoops in a cup; one flavor or two.",
          priceCents: 495,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [
            { name: "Flavors", minChoices: 1, maxChoices: 2, options: iceCreamFlavors },
            {
              name: "Toppings",
              minChoices: 0,
              maxChoices: 3,
              options: [
                { name: "Hot fudge", priceCents: 100 },
                { name: "Whipped cream", priceCents: 50 },
                { name: "Rainbow sprinkles", priceCents: 50 },
                { name: "Toasted pecans", priceCents: 100 },
              ],
            },
          ],
        },
        {
          name: "Hand-Packed Pint",
          description: "A full pint of one flavor.",
          priceCents: 1095,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [
            { name: "Flavor", minChoices: 1, maxChoices: 1, options: iceCreamFlavors },
          ],
        },
        {
          name: "Waffle Cone",
          description: "One scoop in a cone rolled by hand.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
          modifierGroups: [
            { name: "Flavor", minChoices: 1, maxChoices: 1, options: iceCreamFlavors },
          ],
        },
      ],
    },
    {
      name: "Pies",
      items: [
        {
          name: "Pecan Pie Slice",
          description: "Dark and gooey, with a flaky lard crust.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Key Lime Pie Slice",
          description: "Graham crust and toasted meringue.",
          priceCents: 595,
          dietaryTags: ["vegetarian", "nut_free"],
        },
        {
          name: "Chocolate Chess Pie Slice",
          description: "Fudgy, custardy, old-fashioned.",
          priceCents: 595,
          dietaryTags: ["vegetarian", "nut_free"],
        },
        {
          name: "Whole Buttermilk Pie",
          description: 'A 9" pie; serves eight.',
          priceCents: 2895,
          dietaryTags: ["vegetarian", "nut_free"],
        },
      ],
    },
    {
      name: "Sundaes & Floats",
      items: [
        {
          name: "Hot Fudge Sundae",
          description: "Mexican vanilla, hot fudge, whipped cream and a cherry.",
          priceCents: 895,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Banana Split",
          description: "Three scoops, three sauces, one banana.",
          priceCents: 1095,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Root Beer Float",
          description: "Craft root beer and sweet cream ice cream.",
          priceCents: 695,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
      ],
    },
    {
      name: "Cookies",
      items: [
        {
          name: "Brown Butter Chocolate Chip Cookie",
          description: "Crisp edges, soft middle, flaky salt.",
          priceCents: 295,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Ice Cream Sandwich",
          description: "Sweet cream between two chocolate chip cookies.",
          priceCents: 595,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Vegan Oatmeal Cookie",
          description: "Oats, raisins and cinnamon.",
          priceCents: 325,
          dietaryTags: ["vegan"],
        },
      ],
    },
  ],
};

const cedarBloomBakery: DemoRestaurant = {
  slug: "cedar-bloom-bakery",
  name: "Cedar Bloom Bakery & Café",
  description:
    "A neighborhood bakery in Hyde Park with laminated pastries, naturally leavened bread and a busy espresso bar.",
  cuisine: "Café",
  priceLevel: 2,
  rating: 4.7,
  location: { lat: 30.304, lng: -97.7265 },
  address: "4200 Duval St, Austin, TX 78751",
  phone: "(512) 555-0123",
  timezone: TIMEZONE,
  openingHours: [
    ...on([MON, TUE, WED, THU, FRI], "07:00", "15:00"),
    ...on([SAT, SUN], "08:00", "16:00"),
  ],
  prepMinutes: 10,
  menu: [
    {
      name: "Pastries",
      items: [
        {
          name: "Butter Croissant",
          description: "Three days in the making.",
          priceCents: 425,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Almond Croissant",
          description: "Twice-baked with frangipane.",
          priceCents: 525,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Pain au Chocolat",
          description: "Two batons of dark chocolate.",
          priceCents: 475,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Cardamom Morning Bun",
          description: "Orange zest and cardamom sugar.",
          priceCents: 450,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Gluten-Free Banana Bread",
          description: "A thick slice, toasted with butter.",
          priceCents: 395,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
      ],
    },
    {
      name: "Breakfast",
      items: [
        {
          name: "Avocado Toast",
          description: "Country sourdough, avocado, chile flake and lemon.",
          priceCents: 1095,
          dietaryTags: ["vegan"],
          modifierGroups: [
            {
              name: "Add-ons",
              minChoices: 0,
              maxChoices: 2,
              options: [
                { name: "Soft-boiled egg", priceCents: 200 },
                { name: "Smoked salmon", priceCents: 450 },
                { name: "Feta", priceCents: 150 },
              ],
            },
          ],
        },
        {
          name: "Egg & Cheese Croissant",
          description: "Soft scrambled eggs and gruyère.",
          priceCents: 895,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Granola Bowl",
          description: "House granola, Greek yogurt, berries and honey.",
          priceCents: 895,
          dietaryTags: ["vegetarian"],
        },
      ],
    },
    {
      name: "Sandwiches",
      items: [
        {
          name: "Turkey & Brie Baguette",
          description: "With fig jam and arugula.",
          priceCents: 1250,
        },
        {
          name: "Caprese Focaccia",
          description: "Fresh mozzarella, tomato, basil and pesto.",
          priceCents: 1095,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Chicken Salad Croissant",
          description: "Grapes, celery and tarragon.",
          priceCents: 1150,
          available: false,
        },
      ],
    },
    {
      name: "Coffee & Tea",
      items: [
        {
          name: "Latte",
          description: "Double shot with steamed milk.",
          priceCents: 495,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [
            choice("Size", ["12 oz", "16 oz"]),
            coffeeMilk,
            {
              name: "Add-ons",
              minChoices: 0,
              maxChoices: 3,
              options: [
                { name: "Extra shot", priceCents: 100 },
                { name: "Vanilla syrup", priceCents: 75 },
                { name: "Lavender honey", priceCents: 75 },
                { name: "Brown sugar cinnamon", priceCents: 75 },
              ],
            },
          ],
        },
        {
          name: "Drip Coffee",
          description: "Single-origin, rotating weekly.",
          priceCents: 325,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Cold Brew",
          description: "Steeped for twenty hours.",
          priceCents: 475,
          dietaryTags: ["vegan", "gluten_free"],
        },
        {
          name: "Matcha Latte",
          description: "Stone-ground matcha, lightly sweetened.",
          priceCents: 550,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [coffeeMilk],
        },
      ],
    },
  ],
};

const emberCrust: DemoModifierGroup = {
  name: "Crust",
  minChoices: 1,
  maxChoices: 1,
  options: [
    { name: "Classic Neapolitan", priceCents: 0 },
    { name: "Gluten-free", priceCents: 350 },
  ],
};

const emberAddOns: DemoModifierGroup = {
  name: "Add-ons",
  minChoices: 0,
  maxChoices: 4,
  options: [
    { name: "Burrata", priceCents: 450 },
    { name: "Prosciutto", priceCents: 400 },
    { name: "Calabrian chili", priceCents: 150 },
    { name: "Baby arugula", priceCents: 150 },
    { name: "Anchovies", priceCents: 200 },
    { name: "Farm egg", priceCents: 200, available: false },
  ],
};

const emberPizza: DemoRestaurant = {
  slug: "eastside-ember-pizza",
  name: "Eastside Ember Pizza",
  description:
    "Neapolitan pies blistered in ninety seconds in a wood-fired oven from Naples, with a few Texas toppings.",
  cuisine: "Pizza",
  priceLevel: 2,
  rating: 4.6,
  location: { lat: 30.2737, lng: -97.7205 },
  address: "1900 E 12th St, Austin, TX 78702",
  phone: "(512) 555-0124",
  timezone: TIMEZONE,
  openingHours: [
    ...on([MON, TUE, WED, THU], "16:00", "22:00"),
    ...on([FRI, SAT], "12:00", "23:00"),
    ...on([SUN], "12:00", "21:00"),
  ],
  prepMinutes: 20,
  menu: [
    {
      name: "Pizzas",
      items: [
        {
          name: "Margherita",
          description: "San Marzano tomato, fior di latte, basil and olive oil.",
          priceCents: 1495,
          dietaryTags: ["vegetarian"],
          modifierGroups: [emberCrust, emberAddOns],
        },
        {
          name: "Marinara",
          description: "Tomato, garlic, oregano; no cheese.",
          priceCents: 1295,
          dietaryTags: ["vegan", "dairy_free"],
          modifierGroups: [emberCrust],
        },
        {
          name: "Soppressata & Hot Honey",
          description: "Spicy soppressata, mozzarella and chili-infused honey.",
          priceCents: 1795,
          dietaryTags: ["spicy"],
          modifierGroups: [emberCrust, emberAddOns],
        },
        {
          name: "Fennel Sausage",
          description: "House sausage, roasted peppers and onions.",
          priceCents: 1695,
          modifierGroups: [emberCrust, emberAddOns],
        },
        {
          name: "Funghi",
          description: "Roasted mushrooms, fontina, thyme; no tomato.",
          priceCents: 1695,
          dietaryTags: ["vegetarian"],
          modifierGroups: [emberCrust, emberAddOns],
        },
        {
          name: "Brisket & Pickled Onion",
          description: "Smoked brisket, barbecue tomato sauce, mozzarella and pickled red onion.",
          priceCents: 1895,
          modifierGroups: [emberCrust, emberAddOns],
        },
      ],
    },
    {
      name: "Starters & Salads",
      items: [
        {
          name: "Wood-Fired Meatballs",
          description: "Beef and pork meatballs in tomato sauce with ricotta.",
          priceCents: 1195,
        },
        {
          name: "Wood-Fired Wings",
          description: "Charred wings with lemon, garlic and chile.",
          priceCents: 1295,
          dietaryTags: ["gluten_free", "dairy_free", "spicy"],
        },
        {
          name: "Roasted Carrots",
          description: "With whipped feta, honey and pistachio dukkah.",
          priceCents: 995,
          dietaryTags: ["vegetarian", "gluten_free"],
        },
        {
          name: "Chopped Italian Salad",
          description: "Salami, provolone, chickpeas, pepperoncini and oregano vinaigrette.",
          priceCents: 1195,
          dietaryTags: ["gluten_free"],
        },
      ],
    },
    {
      name: "Desserts & Drinks",
      items: [
        {
          name: "Olive Oil Cake",
          description: "Citrus glaze and whipped mascarpone.",
          priceCents: 895,
          dietaryTags: ["vegetarian"],
        },
        {
          name: "Gelato",
          description: "A cup of house gelato.",
          priceCents: 595,
          dietaryTags: ["vegetarian", "gluten_free"],
          modifierGroups: [choice("Flavor", ["Fior di latte", "Stracciatella", "Pistachio"])],
        },
        {
          name: "Blood Orange Soda",
          description: "Italian sparkling soda.",
          priceCents: 395,
          dietaryTags: ["vegan", "gluten_free"],
        },
      ],
    },
  ],
};

const halalSauces: DemoModifierGroup = {
  name: "Sauces",
  minChoices: 0,
  maxChoices: 3,
  options: [
    { name: "White sauce", priceCents: 0 },
    { name: "Hot sauce", priceCents: 0 },
    { name: "Green chutney", priceCents: 0 },
    { name: "Barbecue", priceCents: 0 },
  ],
};

const crescentHalalGrill: DemoRestaurant = {
  slug: "crescent-halal-grill",
  name: "Crescent Halal Grill",
  description:
    "Street-cart-style halal platters off Sixth Street: chicken and lamb over yellow rice with plenty of white sauce, until 4 a.m.",
  cuisine: "Halal",
  priceLevel: 1,
  rating: 4.5,
  location: { lat: 30.2672, lng: -97.7394 },
  address: "419 E 6th St, Austin, TX 78701",
  phone: "(512) 555-0125",
  timezone: TIMEZONE,
  openingHours: on(WEEK, "11:00", "04:00"),
  prepMinutes: 10,
  menu: [
    {
      name: "Platters",
      items: [
        {
          name: "Chicken Over Rice",
          description: "Griddled chicken, yellow rice, lettuce, tomato and pita.",
          priceCents: 1195,
          dietaryTags: ["halal"],
          modifierGroups: [halalSauces],
        },
        {
          name: "Lamb Gyro Platter",
          description: "Sliced lamb gyro over rice with salad.",
          priceCents: 1295,
          dietaryTags: ["halal"],
          modifierGroups: [halalSauces],
        },
        {
          name: "Combo Platter",
          description: "Half chicken, half lamb.",
          priceCents: 1395,
          dietaryTags: ["halal"],
          modifierGroups: [halalSauces],
        },
        {
          name: "Falafel Platter",
          description: "Crisp falafel over rice with hummus.",
          priceCents: 1095,
          dietaryTags: ["halal", "vegan"],
          modifierGroups: [halalSauces],
        },
      ],
    },
    {
      name: "Wraps",
      items: [
        {
          name: "Chicken Wrap",
          description: "Chicken, lettuce, tomato and white sauce in warm pita.",
          priceCents: 895,
          dietaryTags: ["halal"],
          modifierGroups: [halalSauces],
        },
        {
          name: "Lamb Gyro Wrap",
          description: "Lamb, onion, tomato and tzatziki.",
          priceCents: 950,
          dietaryTags: ["halal"],
          modifierGroups: [halalSauces],
        },
        {
          name: "Falafel Wrap",
          description: "Falafel, pickles, tahini and salad.",
          priceCents: 850,
          dietaryTags: ["halal", "vegan"],
        },
      ],
    },
    {
      name: "Sides & Drinks",
      items: [
        {
          name: "Hummus & Pita",
          description: "With olive oil and paprika.",
          priceCents: 595,
          dietaryTags: ["vegan", "halal"],
        },
        {
          name: "Spiced Fries",
          description: "With za'atar salt.",
          priceCents: 395,
          dietaryTags: ["vegan", "halal"],
        },
        {
          name: "Red Lentil Soup",
          description: "With lemon and cumin.",
          priceCents: 495,
          dietaryTags: ["vegan", "gluten_free", "halal"],
        },
        {
          name: "Mango Juice",
          description: "Chilled, in a can.",
          priceCents: 295,
          dietaryTags: ["vegan", "gluten_free", "halal"],
        },
        {
          name: "Ayran",
          description: "Salted yogurt drink.",
          priceCents: 295,
          dietaryTags: ["vegetarian", "gluten_free", "halal"],
        },
      ],
    },
  ],
};

/** Every demo restaurant, the round-the-clock ones first. */
export const DEMO_RESTAURANTS: readonly DemoRestaurant[] = [
  moonlightGriddle,
  taqueriaLaVeladora,
  graveyardShiftBurgers,
  midnightSlice,
  kolacheLantern,
  phoSang,
  pecanSmokeBbq,
  casaBluebonnet,
  kawaSushi,
  yuzuLanternRamen,
  baanMaliThai,
  saffronRail,
  oliveAndCedar,
  injeraTable,
  seoulPorch,
  greenGrackle,
  leafAndLimestone,
  islandTidePoke,
  twinCraneDumplings,
  nonnaPiaTrattoria,
  brackishFishHouse,
  porchLightCreamery,
  cedarBloomBakery,
  emberPizza,
  crescentHalalGrill,
];

export const DEMO_ADMIN: DemoUser = {
  email: "admin@dizhtime.test",
  name: "Morgan Reyes",
  phone: "(512) 555-0150",
  role: "admin",
};

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    email: "ada@dizhtime.test",
    name: "Ada Whitfield",
    phone: "(512) 555-0160",
    role: "customer",
    home: { lat: 30.2752, lng: -97.7404 },
    address: "600 W 12th St, Austin, TX 78701",
  },
  {
    email: "grace@dizhtime.test",
    name: "Grace Okonkwo",
    phone: "(512) 555-0161",
    role: "customer",
    home: { lat: 30.2998, lng: -97.7285 },
    address: "4002 Avenue D, Austin, TX 78751",
  },
  {
    email: "alan@dizhtime.test",
    name: "Alan Castillo",
    phone: "(512) 555-0162",
    role: "customer",
    home: { lat: 30.2489, lng: -97.7621 },
    address: "1906 Bluebonnet Ln, Austin, TX 78704",
  },
  {
    email: "barbara@dizhtime.test",
    name: "Barbara Lindqvist",
    phone: "(512) 555-0163",
    role: "customer",
    home: { lat: 30.2634, lng: -97.7141 },
    address: "1206 Cotton St, Austin, TX 78702",
  },
  {
    email: "edsger@dizhtime.test",
    name: "Edsger Nakamura",
    phone: "(512) 555-0164",
    role: "customer",
    home: { lat: 30.2881, lng: -97.7489 },
    address: "2507 Leon St, Austin, TX 78705",
  },
  {
    email: "margaret@dizhtime.test",
    name: "Margaret Osei",
    phone: "(512) 555-0165",
    role: "customer",
    home: { lat: 30.2412, lng: -97.7398 },
    address: "2204 Travis Heights Blvd, Austin, TX 78704",
  },
  {
    email: "katherine@dizhtime.test",
    name: "Katherine Dubois",
    phone: "(512) 555-0166",
    role: "customer",
    home: { lat: 30.2961, lng: -97.7032 },
    address: "2813 Berkman Dr, Austin, TX 78723",
  },
  {
    email: "radia@dizhtime.test",
    name: "Radia Farouk",
    phone: "(512) 555-0167",
    role: "customer",
    home: { lat: 30.2706, lng: -97.7682 },
    address: "1415 Enfield Rd, Austin, TX 78703",
  },
  {
    email: "ken@dizhtime.test",
    name: "Ken Abernathy",
    phone: "(512) 555-0168",
    role: "customer",
    home: { lat: 30.3129, lng: -97.7511 },
    address: "4511 Shoal Creek Blvd, Austin, TX 78756",
  },
  {
    email: "linus@dizhtime.test",
    name: "Linus Moreno",
    phone: "(512) 555-0169",
    role: "customer",
    home: { lat: 30.2301, lng: -97.7702 },
    address: "2700 S Lamar Blvd, Austin, TX 78704",
  },
];

function driver(
  number: number,
  name: string,
  home: LatLng,
  vehicle: DemoDriver["vehicle"],
): DemoDriver {
  return {
    email: `driver${number}@dizhtime.test`,
    name,
    phone: `(737) 555-01${String(number + 10).padStart(2, "0")}`,
    role: "driver",
    home,
    vehicle,
  };
}

/** Drivers spread over the city, so a demo order anywhere finds one within a few kilometres. */
export const DEMO_DRIVERS: readonly DemoDriver[] = [
  driver(1, "Marcus Bell", { lat: 30.2672, lng: -97.7431 }, "car"),
  driver(2, "Priya Raman", { lat: 30.2849, lng: -97.7341 }, "bicycle"),
  driver(3, "Diego Salinas", { lat: 30.2561, lng: -97.7179 }, "scooter"),
  driver(4, "Hannah Kowalski", { lat: 30.2478, lng: -97.7582 }, "car"),
  driver(5, "Tomás Herrera", { lat: 30.3058, lng: -97.7264 }, "car"),
  driver(6, "Aisha Bello", { lat: 30.2735, lng: -97.7066 }, "bicycle"),
  driver(7, "Jordan Pike", { lat: 30.2381, lng: -97.7344 }, "car"),
  driver(8, "Mei Lin", { lat: 30.2903, lng: -97.7512 }, "scooter"),
  driver(9, "Samuel Ortiz", { lat: 30.3152, lng: -97.7402 }, "car"),
  driver(10, "Fatima Haddad", { lat: 30.2627, lng: -97.7638 }, "bicycle"),
  driver(11, "Caleb Nguyen", { lat: 30.2299, lng: -97.7601 }, "car"),
  driver(12, "Lucía Ramírez", { lat: 30.2987, lng: -97.7051 }, "scooter"),
  driver(13, "Owen Gallagher", { lat: 30.2596, lng: -97.7368 }, "bicycle"),
  driver(14, "Zara Ahmed", { lat: 30.2781, lng: -97.7218 }, "car"),
];

/** One staff account per restaurant, signing in to that restaurant's ticket board. */
export const DEMO_STAFF: readonly DemoStaff[] = DEMO_RESTAURANTS.map((restaurant) => ({
  email: `staff+${restaurant.slug}@dizhtime.test`,
  name: `${restaurant.name} Staff`,
  phone: restaurant.phone,
  role: "restaurant",
  restaurantSlug: restaurant.slug,
}));

/** Every demo account: the admin, customers, drivers, then restaurant staff. */
export const DEMO_USERS: readonly (DemoUser & { restaurantSlug?: string })[] = [
  DEMO_ADMIN,
  ...DEMO_CUSTOMERS,
  ...DEMO_DRIVERS,
  ...DEMO_STAFF,
];
